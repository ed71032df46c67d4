"""Keystroke to updated rows in Chromium, on a production server seeded with 10,000 members.

    PYTHONPATH=. .venv/bin/python bench/members_browser.py [--members 10000] [--url http://localhost:PORT]

Starts `python -m thrust serve --members N` on SQLite in a temporary folder (taking turns with other
servers of this checkout to build the frontend, like tests/server.py), signs in as the demo admin and
types searches into /members. Each sample is the time from the keydown of a query's last character
to the render of the rows that answer it (the table's `data-query` equals the query and it is no longer
busy), measured in the page with performance.now(). That includes the input's 100 ms debounce.

Target (issue 4): <= 200 ms at 10,000 members.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 200.0
SEARCHES = (
    "maria",
    "kumar",
    "smith",
    "mar",
    "son",
    "li",
    "müller",
    "garcia",
    "jo",
    "555",
    "laurent",
    "an",
    "zz",
)

WATCH = """
([query]) => new Promise((resolve) => {
  const table = document.querySelector('#members-table');
  const input = document.querySelector('#member-search');
  let pressed = null;
  const onKey = (event) => { pressed = event.timeStamp; };
  input.addEventListener('keydown', onKey);
  const done = () => table.dataset.query === query && table.getAttribute('aria-busy') === 'false';
  const observer = new MutationObserver(() => {
    if (pressed !== null && input.value === query && done()) {
      observer.disconnect();
      input.removeEventListener('keydown', onKey);
      resolve(performance.now() - pressed);
    }
  });
  observer.observe(table, {subtree: true, childList: true, attributes: true, characterData: true});
  window.__thrustLastKey = () => pressed;
})
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def server(members: int) -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="thrust_bench_browser_"))
    port = _free_port()
    url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "THRUST_DATA_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'thrust.db'}",
        "THRUST_PORT": str(port),
        "THRUST_PUBLIC_URL": url,
        "THRUST_TRUSTED_PROXY_HOPS": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    env.pop("REDIS_URL", None)
    lock = (ROOT / ".web-build.lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "thrust", "serve", "--members", str(members)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    started = time.monotonic()
    try:
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() - started > 1200:
                raise SystemExit(f"THRUST did not start:\n{(folder / 'server.log').read_text()[-3000:]}")
            time.sleep(1)
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    print(f"server with {members:,} members up in {time.monotonic() - started:.0f} s at {url}")
    try:
        yield url
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def measure(page: Page, query: str) -> float:
    search = page.locator("#member-search")
    search.fill("")
    page.wait_for_function("() => document.querySelector('#members-table').dataset.query === ''")
    page.wait_for_timeout(300)
    pending = page.evaluate_handle(WATCH, [query])
    search.press_sequentially(query, delay=90)  # a quick typist: each key before the debounce fires
    return float(pending.json_value())


def run(url: str, rounds: int) -> list[float]:
    samples: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            base_url=url,
            viewport={"width": 1280, "height": 900},
            extra_http_headers={"X-Forwarded-For": "10.77.0.1"},
        )
        page = context.new_page()
        response = page.request.post(
            "/api/v1/auth/login",
            data={"email": "admin@thrust.com", "password": "Admin123!", "useCookies": True},
            headers={"Origin": url},
        )
        assert response.ok, response.text()
        page.goto("/members")
        page.wait_for_selector("#members-table tbody tr a")
        total = page.locator("#members-count").inner_text()
        print(f"directory shows {total}")
        measure(page, "warm")  # first query compiles statements and warms caches
        for _ in range(rounds):
            for query in SEARCHES:
                ms = measure(page, query)
                samples.append(ms)
        browser.close()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--url", help="use a running server (already seeded) instead of starting one")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.url:
        samples = run(args.url, args.rounds)
    else:
        with server(args.members) as url:
            samples = run(url, args.rounds)
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"keystroke -> rows: p50 {statistics.median(samples):.0f} ms, p95 {p95:.0f} ms,"
        f" max {max(samples):.0f} ms ({len(samples)} searches, debounce included)"
    )
    print(f"target p95 <= {TARGET_MS:.0f} ms: {'met' if p95 <= TARGET_MS else 'MISSED'}")
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return 0 if p95 <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
