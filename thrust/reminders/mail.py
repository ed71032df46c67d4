"""Sending e-mail over SMTP (host, port, STARTTLS or TLS, login, sender from the settings).

Synchronous on purpose: it runs in a job's worker thread, never on the event loop. One connection
serves a whole run; it is opened on the first message.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from types import TracebackType
from typing import Protocol

from thrust.core.settings import Settings


class MailError(Exception):
    """A message could not be handed to the SMTP server; the text names why, never the recipient."""


class MailUnavailable(MailError):
    """The SMTP server cannot be reached or refuses our login: no message of this run can go out."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    """`with SmtpMailer(settings) as mailer: mailer.send(message)`; the From header is filled in."""

    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise MailError("no SMTP server is configured (THRUST_SMTP_HOST)")
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        host = s.smtp_host or ""
        context = ssl.create_default_context()
        try:
            if s.smtp_security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, s.smtp_port, timeout=s.smtp_timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(host, s.smtp_port, timeout=s.smtp_timeout)
                if s.smtp_security == "starttls":
                    smtp.starttls(context=context)
            if s.smtp_user:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                smtp.login(s.smtp_user, password)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailUnavailable(
                f"cannot reach the SMTP server {host}:{s.smtp_port}: {_reason(exc)}"
            ) from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        if "From" not in message:
            message["From"] = self.settings.email_sender
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused:
            raise MailError("the SMTP server refused the recipient address") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()  # the connection may be broken: the next message opens a new one
            raise MailError(f"the SMTP server did not take the message: {_reason(exc)}") from None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def __enter__(self) -> SmtpMailer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _reason(exc: BaseException) -> str:
    # smtplib's errors quote the server's reply, which for a refused address repeats the address.
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP {exc.smtp_code}"
    return type(exc).__name__ if not str(exc) else f"{type(exc).__name__}: {exc}"[:200]
