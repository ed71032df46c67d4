"""Reminder fixtures: a real SMTP server (aiosmtpd) on a free port, and a database of each kind."""

from __future__ import annotations

import email
import email.policy
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import Engine, delete

from tests.conftest import Databases, migrate
from tests.factories import scope_on
from tests.server import free_port
from thrust.core.db import build_engine
from thrust.core.settings import Settings
from thrust.models import User

SMTP_USER, SMTP_PASSWORD = "desk@gym.example", "smtp-secret-42"


@dataclass
class Inbox:
    """What the SMTP server received; `refuse` makes it reject some recipients (550)."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]  # with policy.default the parser returns an EmailMessage
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


def _authenticate(inbox: Inbox) -> Callable[..., AuthResult]:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
        if ok:
            inbox.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    return check


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost (openssl), trusted by the mailer through SSL_CERT_FILE."""
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def smtp(tls_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on localhost with STARTTLS and a login, like a mail provider's submission port."""
    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # our client verifies the certificate as usual
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="localhost",
        port=port,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        authenticator=_authenticate(inbox),
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(smtp: tuple[Inbox, int]) -> Settings:
    _, port = smtp
    return Settings(
        smtp_host="localhost",
        smtp_port=port,
        smtp_security="starttls",
        smtp_user=SMTP_USER,
        smtp_password=SMTP_PASSWORD,  # type: ignore[arg-type]  # pydantic makes the str a SecretStr
        smtp_sender="THRUST Gym <desk@gym.example>",
        public_url="https://gym.example",
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def mail_engine(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Engine]:
    """A database of its own per engine: the reminder run reads every member, so no one else's."""
    engine = build_engine(databases.new_url(request.param))
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clean_engine(mail_engine: Engine) -> Iterator[Engine]:
    with mail_engine.begin() as connection:
        connection.execute(delete(User))  # members, reminders and opt-outs cascade
    yield mail_engine


@pytest.fixture
def scope(clean_engine: Engine) -> Callable[..., Any]:
    return scope_on(clean_engine)
