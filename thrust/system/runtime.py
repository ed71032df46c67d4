"""What each worker of the app runs besides pages: logging, error reporting, socket counts, the scheduler."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from thrust.core.jobs import SlotClaims, run_jobs
from thrust.core.logs import configure_logging, current_request_id, new_event_id, set_request_id
from thrust.core.metrics import SOCKET_CONNECTIONS
from thrust.core.observe import init_error_reporting
from thrust.core.reflex_compat import SocketHook, wrap_socket_hooks
from thrust.core.settings import VERSION, get_settings
from thrust.system.jobs import DatabaseLedger
from thrust.system.schedule import JOBS

if TYPE_CHECKING:
    import reflex as rx
    from reflex.event import EventSpec

log = logging.getLogger("thrust.app")


def start_observing() -> None:
    """Logging in the configured format, and Sentry when SENTRY_DSN is set (at import of the app)."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    dsn = settings.sentry_dsn.get_secret_value() if settings.sentry_dsn else None
    if init_error_reporting(dsn, release=f"thrust@{VERSION}"):
        log.info("errors are reported to Sentry")


def report_backend_exception(exception: Exception) -> EventSpec | None:
    """An event handler crashed: log it under the event's id (and so to Sentry), show Reflex's toast."""
    from reflex.app import default_backend_exception_handler

    if current_request_id() is None:
        set_request_id(new_event_id())
    log.error("unhandled error in a socket event", exc_info=exception)
    reflex_log = logging.getLogger("reflex")
    level = reflex_log.level
    reflex_log.setLevel(logging.CRITICAL)  # Reflex would print the same traceback again, unlabelled
    try:
        return default_backend_exception_handler(exception)
    finally:
        reflex_log.setLevel(level)


async def count_sockets(app: rx.App) -> None:
    """Lifespan task: keep the connected-sockets gauge (this worker's share) up to date."""
    import asyncio

    counted: set[str] = set()

    def counting_connect(connect: SocketHook) -> SocketHook:
        async def on_connect(sid: str, environ: dict, auth: Any = None) -> Any:
            result = await connect(sid, environ, auth)
            if sid not in counted:
                counted.add(sid)
                SOCKET_CONNECTIONS.inc()
            return result

        return on_connect

    def counting_disconnect(disconnect: SocketHook) -> SocketHook:
        def on_disconnect(sid: str, *_reason: Any) -> Any:
            # Reflex's handler takes the sid alone (python-socketio adds a reason).
            if sid in counted:
                counted.discard(sid)
                SOCKET_CONNECTIONS.dec()
            return disconnect(sid)

        return on_disconnect

    undo = wrap_socket_hooks(app, counting_connect, counting_disconnect)
    if undo is None:
        return
    try:
        await asyncio.Event().wait()  # until the worker stops
    finally:
        undo()
        SOCKET_CONNECTIONS.dec(len(counted))
        counted.clear()


async def scheduled_jobs() -> None:
    """Lifespan task: the jobs of thrust/system/schedule.py, each slot once across workers, recorded."""
    await run_jobs(JOBS, SlotClaims(get_settings().redis_url), ledger=DatabaseLedger())
