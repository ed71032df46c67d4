"""Security headers over HTTP on every kind of response: pages, static files, the API, its errors, uploads.

Every response says nosniff and same-origin referrers and carries a Content-Security-Policy that
refuses framing, plugins and foreign <base> URLs; pages allow exactly their own inline scripts (by
hash) and the socket's ws URL; API responses are never cached; HSTS only when the public URL is https.
The browser side (every page renders under the policy with no violation) is tests/e2e/test_csp.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.security.conftest import Cast
from tests.server import AppServer, Server, launch

REQUIRED = ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'")
PAGES = ("/", "/login", "/signup", "/members", "/front-desk", "/live", "/planner", "/settings")


def policy(response: httpx.Response) -> dict[str, list[str]]:
    header = response.headers.get("content-security-policy", "")
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_common(response: httpx.Response) -> None:
    what = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    assert response.headers.get("x-content-type-options") == "nosniff", what
    assert response.headers.get("referrer-policy") == "same-origin", what
    csp = response.headers.get("content-security-policy", "")
    missing = [d for d in REQUIRED if d not in csp]
    assert not missing, f"{what}: CSP {csp!r} lacks {missing}"
    assert "strict-transport-security" not in response.headers, f"{what}: HSTS on a plain-http install"


def inline_scripts(html: str) -> list[str]:
    return re.findall(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S | re.I)


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_allows_only_its_own_scripts_and_the_socket(app_server: AppServer, path: str) -> None:
    response = httpx.get(f"{app_server.url}{path}", follow_redirects=True, timeout=30)
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert_common(response)
    csp = policy(response)
    scripts = csp["script-src"]
    assert "'unsafe-inline'" not in scripts and "*" not in " ".join(scripts), scripts
    # Every inline script of the page is allowed by its hash, and nothing else inline is.
    for body in inline_scripts(response.text):
        assert sha256(body) in scripts, f"{path}: an inline script is not allowed: {body[:80]!r}"
    assert f"ws://{urlsplit(app_server.url).netloc}" in csp["connect-src"]
    assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert response.headers.get("x-frame-options") == "DENY"


def test_static_files_and_unknown_pages_carry_the_headers(app_server: AppServer) -> None:
    with httpx.Client(base_url=app_server.url, timeout=30) as client:
        page = client.get("/login/")
        script = re.search(r'src="(/assets/[^"]+\.js)"', page.text) or re.search(
            r'href="(/assets/[^"]+\.js)"', page.text
        )
        assert script, "no script found on the sign-in page"
        for path in (script.group(1), "/thrust-auth.js", "/thrust.css", "/favicon.svg", "/no-such-page"):
            response = client.get(path)
            assert_common(response)
            assert policy(response) == policy(page), f"{path}: not the pages' policy"
        # A page revalidated from the browser's cache: the 304's headers replace the cached ones.
        cached = client.get("/login/", headers={"If-None-Match": page.headers["etag"]})
        assert cached.status_code == 304
        assert_common(cached)
        assert policy(cached) == policy(page)


def test_api_responses_carry_the_headers_and_are_never_cached(app_server: AppServer, cast: Cast) -> None:
    member = f"/api/v1/members/{cast.victim.member_id}"
    with httpx.Client(base_url=app_server.url, timeout=30) as client:
        responses = [
            client.get("/api/v1/health"),
            client.get("/api/v1/auth/me", headers=cast.admin.bearer),
            client.get(member, headers=cast.trainer.bearer),
            client.get("/api/v1/members", headers=cast.member.bearer),  # 403
            client.get("/api/v1/auth/me"),  # 401
            client.get("/api/v1/no-such-route", headers=cast.admin.bearer),  # 404
            client.post("/api/v1/auth/login", content=b"x" * 70_000),  # 413
            client.post(  # refused upload
                "/_upload",
                headers={"reflex-client-token": str(uuid.uuid4()), "reflex-event-handler": "x"},
                files={"files": ("a.csv", b"a\n", "text/csv")},
            ),
        ]
    statuses = [r.status_code for r in responses]
    assert statuses == [200, 200, 200, 403, 401, 404, 413, 401], statuses
    for response in responses:
        assert_common(response)
        assert response.headers.get("cache-control") == "no-store", response.request.url.path
        assert policy(response)["default-src"] == ["'none'"], response.request.url.path


@pytest.mark.parametrize("path", ["/api/v1/no-such-route", "/api/v1/x%0D%09y/z", "/api/v1/%C2%9F%2A%5C/q"])
def test_an_unknown_api_path_gets_the_apis_json_404_not_the_web_apps(
    app_server: AppServer, path: str
) -> None:
    # Odd characters in the path still reach the API's own catch-all. (A newline cannot: Reflex's outer
    # router answers a path with one with a plain-text 404 before THRUST sees the request.)
    response = httpx.patch(f"{app_server.url}{path}", json={}, timeout=30)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_the_api_docs_page_may_load_swagger_and_run_its_own_script_only(app_server: AppServer) -> None:
    response = httpx.get(f"{app_server.url}/api/v1/docs", timeout=30)
    assert response.status_code == 200
    assert_common(response)
    scripts = policy(response)["script-src"]
    assert "https://cdn.jsdelivr.net" in scripts and "'unsafe-inline'" not in scripts
    bodies = inline_scripts(response.text)
    assert bodies and all(sha256(body) in scripts for body in bodies)


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory, app_server: AppServer) -> Iterator[Server]:
    """THRUST whose public URL is https (as behind a TLS proxy); no demo members. Only its headers are
    read; it starts from the e2e server's build (tests/server.py)."""
    data = tmp_path_factory.mktemp("https-data")
    try:
        with launch(data, name="https", https=True, members=0, build_from="e2e") as server:
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc))


def test_hsts_is_sent_when_the_public_url_is_https(https_server: Server) -> None:
    with httpx.Client(base_url=https_server.url, timeout=30) as client:
        for response in (client.get("/login/"), client.get("/api/v1/health"), client.get("/thrust.css")):
            assert response.status_code == 200
            hsts = response.headers.get("strict-transport-security", "")
            assert "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 15_552_000, hsts
        page = client.get("/login/")
        assert f"wss://{urlsplit(https_server.url).netloc}" in policy(page)["connect-src"]


def test_busy_may_be_framed_by_any_site_only_while_the_gym_publishes_it(
    app_server: AppServer, cast: Cast
) -> None:
    """The one page another site may frame: /busy, and only while switched on (a 404 otherwise)."""
    admin = {**cast.admin.bearer, "X-Forwarded-For": "10.9.8.7"}
    with httpx.Client(base_url=app_server.url, timeout=30) as client:
        off = client.get("/busy")
        assert off.status_code == 404 and "text/html" in off.headers["content-type"]
        assert_common(off)
        assert off.headers["x-frame-options"] == "DENY" and "no-store" in off.headers["cache-control"]
        switched = client.patch("/api/v1/settings/gym", json={"publicOccupancy": True}, headers=admin)
        assert switched.status_code == 200, switched.text
        try:
            for path in ("/busy", "/busy/"):
                on = client.get(path, follow_redirects=True)
                assert on.status_code == 200 and "text/html" in on.headers["content-type"]
                csp = policy(on)
                assert csp["frame-ancestors"] == ["*"] and "x-frame-options" not in on.headers
                assert csp["object-src"] == ["'none'"] and "'unsafe-inline'" not in csp["script-src"]
            # Every other page still refuses to be framed, and so does the API.
            for other in ("/login/", "/api/v1/public/occupancy"):
                response = client.get(other)
                assert response.status_code == 200
                assert policy(response)["frame-ancestors"] == ["'none'"], other
                assert response.headers["x-frame-options"] == "DENY", other
        finally:
            client.patch("/api/v1/settings/gym", json={"publicOccupancy": False}, headers=admin)
        assert client.get("/busy").status_code == 404
        assert policy(client.get("/busy"))["frame-ancestors"] == ["'none'"]
