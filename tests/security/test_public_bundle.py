"""The public frontend holds no user data.

Reflex evaluates a computed var without `initial_value=` at build time and bakes its value into the
JavaScript every visitor downloads (ARCHITECTURE §4.2). Crawl what an anonymous visitor can fetch
(the pages and every script they pull in) and look for any user's email or any member's name.
"""

from __future__ import annotations

import re

import httpx

from tests.security.support import Database
from tests.server import AppServer

PAGES = ("/", "/login", "/signup", "/members", "/front-desk", "/live", "/settings", "/planner")
MAX_FILES = 6000
_REFERENCE = re.compile(r"""["'(]((?:/|\./|\.\./)?(?:assets/)?[\w./-]+\.(?:js|mjs|json))["')]""")


def test_nothing_an_anonymous_visitor_downloads_contains_user_data(
    app_server: AppServer, server_db: Database
) -> None:
    rows = server_db.query("SELECT u.email, m.full_name FROM users u LEFT JOIN members m ON m.user_id = u.id")
    secrets = {value for row in rows for value in row if value}
    seen: set[str] = set()
    queue = list(PAGES)
    leaks: list[str] = []
    scripts = 0
    with httpx.Client(base_url=app_server.url, timeout=30, follow_redirects=True) as client:
        while queue and len(seen) < MAX_FILES:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path)
            if response.status_code != 200:
                continue
            text = response.text
            scripts += path.endswith((".js", ".mjs"))
            leaks += [f"{path}: {secret}" for secret in secrets if secret in text]
            base = path.rsplit("/", 1)[0] if path.endswith((".js", ".mjs", ".json")) else ""
            for ref in _REFERENCE.findall(text):
                if ref.startswith("/"):
                    target = ref
                elif ref.startswith(("./", "../")) and base:
                    target = str(httpx.URL(f"http://x{base}/").join(ref).path)
                elif ref.startswith("assets/"):
                    target = "/" + ref
                else:
                    continue
                if target not in seen and "/api/" not in target:
                    queue.append(target)
    print(f"public frontend: {len(seen)} paths fetched, {scripts} scripts")
    assert scripts >= 5, f"the crawl found only {scripts} scripts: is the frontend served?"
    assert not leaks, f"user data in the public frontend: {leaks[:10]}"
