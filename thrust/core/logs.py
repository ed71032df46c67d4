"""Log lines: readable by default, one JSON object each with THRUST_LOG_FORMAT=json, the request id on all.

An API request (the request-id middleware) and a socket event (the auth middleware) each set the
current request id in a context variable; every record logged while it runs, in this task or in a
worker thread it started, carries it. Nothing THRUST logs names a person, a password or a token: log
ids (a member's or a user's uuid) and counts, never e-mails, phones, names or request bodies.
"""

from __future__ import annotations

import contextvars
import json
import logging
import secrets
import sys
from datetime import UTC, datetime
from typing import Any

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("thrust_request_id", default=None)

_HANDLER_NAME = "thrust"
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"


def new_event_id() -> str:
    return f"evt_{secrets.token_hex(8)}"


def set_request_id(value: str | None) -> contextvars.Token[str | None]:
    return request_id.set(value)


def current_request_id() -> str | None:
    return request_id.get()


class RequestIdFilter(logging.Filter):
    """Stamp each record with the request id of the request or socket event it happened in."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            # The keys Reflex's own JSON lines use, so that one stream reads the same throughout.
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        rid = getattr(record, "request_id", None)
        if rid and rid != "-":
            payload["requestId"] = rid
        if record.exc_info and record.exc_info[0] is not None:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Send the root logger (ours and libraries') to stderr in the chosen format; idempotent.

    Reflex renders its own records (the `reflex` logger) itself; `python -m thrust serve` switches
    Reflex to JSON too when THRUST_LOG_FORMAT=json.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Libraries that talk too much at INFO, or would log what they send (SMTP conversations).
    noisy_loggers = ("httpx", "httpcore", "urllib3", "mail.log", "aiosmtpd", "sqlalchemy.engine", "alembic")
    for noisy in noisy_loggers:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
