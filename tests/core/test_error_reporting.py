"""Sentry reporting: an unhandled error in an API route reaches the DSN's server (a local one the test
starts), with where it happened and without the caller's data (password, token, cookie, e-mail)."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from tests.server import free_port
from thrust.core.http import create_api
from thrust.core.observe import init_error_reporting, scrub

SECRET_PASSWORD = "Hunter2-Secret!"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig"
EMAIL = "ana.ruiz@example.com"
PHONE = "+34 612 345 678"


class Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:  # Sentry's envelope endpoint: /api/<project>/envelope/
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def sentry_server() -> Iterator[str]:
    Collector.received = []
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://publickey@127.0.0.1:{port}/42"
    finally:
        server.shutdown()
        import sentry_sdk

        sentry_sdk.init()  # no DSN: reporting off again for the rest of the run


crashing = APIRouter()


@crashing.post("/probe/crash-with-data")
def crash(body: dict[str, Any]) -> None:
    password = body.get("password")  # a local variable a frame-capturing reporter would send
    raise RuntimeError(f"payment lookup failed for {body.get('email')} ({body.get('phone')})")
    return password  # type: ignore[unreachable]  # the line after the raise, on purpose: the reporter must not see the local


def _events(raw: list[bytes]) -> list[dict[str, Any]]:
    events = []
    for envelope in raw:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


def test_an_unhandled_api_error_reaches_sentry_without_personal_data(sentry_server: str) -> None:
    assert init_error_reporting(sentry_server, release="thrust@test")
    import sentry_sdk

    client = TestClient(create_api([crashing]), raise_server_exceptions=False)
    response = client.post(
        f"/api/v1/probe/crash-with-data?token={TOKEN}",
        json={"password": SECRET_PASSWORD, "email": EMAIL, "phone": PHONE},
        headers={
            "Authorization": f"Bearer {TOKEN}",
            "Cookie": f"thrust_access={TOKEN}",
            "X-Request-ID": "sentry-1234",
        },
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=10)
    deadline = time.monotonic() + 10
    while not _events(Collector.received) and time.monotonic() < deadline:
        time.sleep(0.1)

    events = _events(Collector.received)
    assert events, "no event reached the Sentry server"
    everything = b"\n".join(Collector.received).decode()
    assert "RuntimeError" in everything and "crash-with-data" in everything  # what and where
    for value in (SECRET_PASSWORD, TOKEN, EMAIL, PHONE, "thrust_access"):
        assert value not in everything, f"{value!r} was sent to Sentry"
    assert events[0]["release"] == "thrust@test"


def test_without_a_dsn_nothing_is_set_up() -> None:
    assert init_error_reporting(None, release="thrust@test") is False


def test_scrub_removes_emails_and_phone_numbers() -> None:
    assert scrub(f"lookup failed for {EMAIL} ({PHONE})") == "lookup failed for [email] ([number])"
