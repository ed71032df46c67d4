"""Request bodies over the real transport: every route has a byte limit, counted as the body is read.

A declared Content-Length over the limit is refused with the seed's 413 before any parsing or
credential check (so no rate-limit counter moves); a chunked body that claims nothing is cut the moment
it passes the limit; a 1 GB stream to a JSON route, an import route and Reflex's /_upload leaves the
server's memory and temp folder flat and takes seconds. The import routes refuse callers without the
import permission before they read a byte of the CSV. A tab uploads one file at a time.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.security.conftest import MEMBER_PASSWORD, Cast
from tests.security.support import Account, Database, api_login
from tests.server import AppServer
from tests.support.socket_client import fresh_ip, handler_name
from thrust.auth.connections import UPLOAD_BUSY_MESSAGE
from thrust.core.body_limit import DEFAULT_BODY_LIMIT
from thrust.members.csv_import import MAX_IMPORT_BODY
from thrust.members.import_state import ImportState
from thrust.planner.api import PLAN_BODY_LIMIT

MB = 1 << 20
GB = 1 << 30
IMPORT = "/api/v1/members/import"
PREVIEW = "/api/v1/members/import/preview"
UPLOAD = "/_upload"
BOUNDARY = "thrust-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _file_part(name: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="members.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()


@dataclass
class Stream:
    """A request body generated on the fly (nothing held in the test's memory), counting what the
    server pulled; it gives up after `patience` seconds so a server that keeps reading fails fast."""

    size: int
    head: bytes = b""
    patience: float = 120.0
    sent: int = 0
    started: float = field(default_factory=time.monotonic)

    def __iter__(self) -> Iterator[bytes]:
        chunk = b"x" * MB
        if self.head:
            self.sent += len(self.head)
            yield self.head
        while self.sent < self.size:
            if time.monotonic() - self.started > self.patience:
                return
            piece = chunk[: self.size - self.sent]
            self.sent += len(piece)
            yield piece


def _is_too_large(response: httpx.Response) -> bool:
    if response.status_code != 413:
        return False
    error = response.json()["error"]
    return error["code"] == "PAYLOAD_TOO_LARGE" and error["requestId"].startswith("req_")


def _member_login(server_db: Database, cast: Cast) -> str:
    """A demo member no other test signs in as (rate-limit tests lock some addresses and accounts)."""
    used = {cast.member.email, cast.victim.email, cast.stranger.email}
    emails = [r[0] for r in server_db.query("SELECT email FROM users WHERE role = 'MEMBER' ORDER BY email")]
    return [e for e in emails if e not in used][3]


def _cookie_sign_in(base_url: str, email: str, password: str) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/login",
        json={"email": email, "password": password, "useCookies": True},
        headers={"Origin": base_url, "X-Forwarded-For": fresh_ip()},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return "; ".join(f"{name}={value}" for name, value in response.cookies.items())


# -- declared lengths: refused before anything else --------------------------------------------------


def test_an_oversized_body_is_refused_before_any_sign_in_work(
    app_server: AppServer, server_db: Database, cast: Cast
) -> None:
    email = _member_login(server_db, cast)
    address = fresh_ip()
    padded = {"email": email, "password": "Wrong-password-1!", "padding": "x" * DEFAULT_BODY_LIMIT}
    # More than the five failures that lock an address: had any been tried, the sixth would be a 429.
    for _ in range(7):
        response = httpx.post(
            f"{app_server.url}/api/v1/auth/login",
            json=padded,
            headers={"X-Forwarded-For": address},
            timeout=30,
        )
        assert _is_too_large(response), response.text
        assert "set-cookie" not in response.headers
    # Nothing was counted against the address or the account.
    assert api_login(app_server.url, email, MEMBER_PASSWORD, ip=address).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "limit"),
    [
        ("POST", "/api/v1/members", DEFAULT_BODY_LIMIT),
        ("PATCH", f"/api/v1/members/{uuid.uuid4()}", DEFAULT_BODY_LIMIT),
        ("POST", "/api/v1/check-ins", DEFAULT_BODY_LIMIT),
        ("POST", "/api/v1/workout-plans", PLAN_BODY_LIMIT),  # a plan's document: bigger than the rest
        ("PATCH", f"/api/v1/workout-plans/{uuid.uuid4()}", PLAN_BODY_LIMIT),
        ("POST", f"/api/v1/workout-plan-templates/{uuid.uuid4()}/assign", PLAN_BODY_LIMIT),
        ("POST", IMPORT, MAX_IMPORT_BODY),
        ("POST", PREVIEW, MAX_IMPORT_BODY),
        ("POST", UPLOAD, MAX_IMPORT_BODY),
        ("POST", "/login", DEFAULT_BODY_LIMIT),  # a page: every route has a limit
    ],
)
def test_a_declared_length_over_the_limit_gets_413_without_authentication(
    app_server: AppServer, method: str, path: str, limit: int
) -> None:
    headers = {
        "Content-Type": "application/json",
        "Content-Length": str(limit + 1),
        "Authorization": "Bearer not-a-token",  # a 401 would mean credentials were looked at first
        "reflex-client-token": str(uuid.uuid4()),
        "reflex-event-handler": handler_name(ImportState.upload),
    }
    started = time.monotonic()
    response = httpx.request(
        method, f"{app_server.url}{path}", content=Stream(limit + 1), headers=headers, timeout=60
    )
    assert _is_too_large(response), (response.status_code, response.text)
    assert time.monotonic() - started < 10


def test_a_chunked_body_is_counted_too(app_server: AppServer, cast: Cast) -> None:
    stream = Stream(64 * MB)
    response = httpx.post(
        f"{app_server.url}/api/v1/members",
        content=stream,
        headers={"Content-Type": "application/json", **cast.admin.bearer},
        timeout=60,
    )
    assert "content-length" not in response.request.headers  # sent chunked
    assert _is_too_large(response), response.text
    assert stream.sent < 16 * MB, f"the server read {stream.sent // MB} MB before refusing"


# -- a 1 GB stream -------------------------------------------------------------------------------------


def _session_pids(session: int) -> list[int]:
    """The server's processes: everything in the session `python -m thrust serve` leads."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:
            pids.append(int(entry.name))
    return pids


def _rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def _temp_bytes(pids: list[int], folder: Path) -> int:
    """Bytes in the server's temp folder, counting files it has open but already deleted (spooled
    uploads are unlinked at once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for path in folder.rglob("*"):
        try:
            info = path.stat()
        except OSError:
            continue
        if path.is_file() and (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            total += info.st_size
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if not target.startswith(str(folder)):
                    continue
                info = os.stat(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_size
    return total


class Watch:
    """Samples the server's memory and temp folder every 20 ms while a request runs: the peaks."""

    def __init__(self, server: AppServer) -> None:
        self.pids = _session_pids(server.pid)
        self.folder = server.data_dir / "tmp"
        self.base_rss = max(_rss(self.pids) for _ in range(5))
        self.base_temp = _temp_bytes(self.pids, self.folder)
        self.peak_rss = self.base_rss
        self.peak_temp = self.base_temp
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_rss = max(self.peak_rss, _rss(self.pids))
            self.peak_temp = max(self.peak_temp, _temp_bytes(self.pids, self.folder))
            time.sleep(0.02)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        time.sleep(0.3)  # whatever the server still does with the cut body
        self._stop.set()
        self._thread.join()


@pytest.mark.parametrize("route", ["json", "import", "upload"])
def test_a_1_gb_stream_leaves_memory_and_temp_disk_flat(
    app_server: AppServer, cast: Cast, route: str
) -> None:
    assert app_server.pid, "the server's process is needed to watch its memory"
    headers: dict[str, str]
    if route == "json":
        path, stream, headers = "/api/v1/auth/login", Stream(GB), {"Content-Type": "application/json"}
        allowed_temp = 0
    elif route == "import":
        path, stream = PREVIEW, Stream(GB, head=_file_part("file"))
        headers = {"Content-Type": MULTIPART, **cast.admin.bearer}
        allowed_temp = 0  # the import keeps its (at most 5 MB) file in memory
    else:
        # Signed in, so the body is read: Reflex spools an upload over 1 MB to a temp file, which the
        # limit stops at 5 MB.
        cookie = _cookie_sign_in(app_server.url, cast.admin.email, cast.admin.password)
        path, stream = UPLOAD, Stream(GB, head=_file_part("files"))
        headers = {
            "Content-Type": MULTIPART,
            "Cookie": cookie,
            "reflex-client-token": str(uuid.uuid4()),
            "reflex-event-handler": handler_name(ImportState.upload),
        }
        allowed_temp = MAX_IMPORT_BODY
    imports = app_server.data_dir / "imports"
    stored_before = sorted(imports.glob("*")) if imports.exists() else []

    with Watch(app_server) as watch:
        started = time.monotonic()
        response = httpx.post(f"{app_server.url}{path}", content=stream, headers=headers, timeout=120)
        elapsed = time.monotonic() - started

    assert _is_too_large(response), (response.status_code, response.text[:300])
    assert stream.sent < 64 * MB, f"the server read {stream.sent // MB} MB of the stream"
    assert elapsed < 30, f"{elapsed:.1f} s"
    grew = (watch.peak_rss - watch.base_rss) // MB
    assert grew < 64, f"the server's memory grew by {grew} MB"
    written = watch.peak_temp - watch.base_temp
    assert written <= allowed_temp, f"{written // 1024} KB written to the temp folder"
    assert _temp_bytes(watch.pids, watch.folder) <= watch.base_temp  # and nothing left behind
    assert (sorted(imports.glob("*")) if imports.exists() else []) == stored_before


# -- the import routes: permission first ------------------------------------------------------------------


@pytest.mark.parametrize("path", [PREVIEW, IMPORT])
@pytest.mark.parametrize("role", ["TRAINER", "MEMBER"])
def test_the_import_routes_refuse_a_caller_without_permission_before_reading_the_csv(
    app_server: AppServer, cast: Cast, path: str, role: str
) -> None:
    account: Account = cast.account(role)  # type: ignore[assignment]  # the role is never None here: the account exists
    # A chunked CSV far past the limit: reading it would mean a 413 (or minutes), not a 403.
    stream = Stream(256 * MB, head=_file_part("file"))
    response = httpx.post(
        f"{app_server.url}{path}",
        content=stream,
        headers={"Content-Type": MULTIPART, **account.bearer},
        timeout=120,
    )
    assert response.status_code == 403, (response.status_code, response.text[:300])
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert stream.sent < 16 * MB, f"the server read {stream.sent // MB} MB before refusing"

    # Not even a form: still the permission's answer, not a validation error about the body.
    garbage = httpx.post(
        f"{app_server.url}{path}",
        content=b"\x00not,a\ncsv",
        headers={"Content-Type": "text/plain", **account.bearer},
        timeout=30,
    )
    assert garbage.status_code == 403, garbage.text


def test_an_admin_import_still_reads_its_csv(app_server: AppServer, cast: Cast) -> None:
    csv_text = b"Name,Email,Expiry\nBody Limit,body.limit@example.com,2031-01-01\n"
    response = httpx.post(
        f"{app_server.url}{PREVIEW}",
        files={"file": ("m.csv", csv_text, "text/csv")},
        headers=cast.admin.bearer,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["ready"] == 1
    missing = httpx.post(f"{app_server.url}{PREVIEW}", data={"x": "1"}, headers=cast.admin.bearer, timeout=30)
    assert missing.status_code == 422, missing.text
    assert missing.json()["error"]["details"][0]["field"] == "file"


# -- one upload per tab at a time ------------------------------------------------------------------------


def test_a_second_upload_from_the_same_tab_waits_for_the_first(app_server: AppServer, cast: Cast) -> None:
    """While a tab's upload is still being received, another one with its client token gets the 409
    the page shows; once the first has finished, the tab may upload again."""
    cookie = _cookie_sign_in(app_server.url, cast.admin.email, cast.admin.password)
    headers = {
        "Content-Type": MULTIPART,
        "Cookie": cookie,
        "reflex-client-token": str(uuid.uuid4()),
        "reflex-event-handler": handler_name(ImportState.upload),
    }
    csv_part = _file_part("files") + b"Name,Email\r\nSlow Upload,slow.upload@example.com\r\n"
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    release = threading.Event()

    def slow_body() -> Iterator[bytes]:
        yield csv_part
        release.wait(60)  # the body stays unfinished until the second upload has had its answer
        yield tail

    first: dict[str, httpx.Response] = {}

    def send_first() -> None:
        first["response"] = httpx.post(
            f"{app_server.url}{UPLOAD}", content=slow_body(), headers=headers, timeout=90
        )

    thread = threading.Thread(target=send_first)
    thread.start()
    try:
        time.sleep(1.5)  # the first request's session check is done; its body is being read
        second = httpx.post(f"{app_server.url}{UPLOAD}", content=csv_part + tail, headers=headers, timeout=30)
    finally:
        release.set()
        thread.join(90)
    assert second.status_code == 409, second.text
    error = second.json()["error"]
    assert (error["code"], error["message"]) == ("CONFLICT", UPLOAD_BUSY_MESSAGE)
    assert first["response"].status_code == 200, first["response"].text[:300]
    again = httpx.post(f"{app_server.url}{UPLOAD}", content=csv_part + tail, headers=headers, timeout=30)
    assert again.status_code == 200, again.text[:300]
