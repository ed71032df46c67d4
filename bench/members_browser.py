"""Keystroke to updated rows in Chromium, on a production server seeded with 10,000 members.

    PYTHONPATH=. .venv/bin/python bench/members_browser.py [--members 10000] [--url http://localhost:PORT]

Starts `python -m thrust serve --members N` on SQLite in a temporary folder (tests/server.py's launcher,
with its own frontend build folder .web-bench-members), signs in as the demo admin and
types searches into /members. Each sample is the time from the keydown of a query's last character
to the render of the rows that answer it (the results' `data-query` equals the query and they are no longer
busy), measured in the page with performance.now(). That includes the input's 100 ms debounce.

Target (issue 4): <= 200 ms at 10,000 members.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.server import launch

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

# Installs the watcher and returns at once; `window.__thrustRows` resolves with the latency.
WATCH = """
([query]) => { window.__thrustRows = new Promise((resolve) => {
  const results = document.querySelector('#members-results');
  const input = document.querySelector('#member-search');
  let pressed = null;
  const onKey = (event) => { pressed = event.timeStamp; };
  input.addEventListener('keydown', onKey);
  const done = () => results.dataset.query === query && results.getAttribute('aria-busy') === 'false';
  const observer = new MutationObserver(() => {
    if (pressed !== null && input.value === query && done()) {
      observer.disconnect();
      input.removeEventListener('keydown', onKey);
      resolve(performance.now() - pressed);
    }
  });
  observer.observe(results, {subtree: true, childList: true, attributes: true, characterData: true});
}); }
"""


@contextmanager
def server(members: int) -> Iterator[str]:
    with launch(
        Path(tempfile.mkdtemp(prefix="thrust_bench_browser_")), name="bench-members", members=members
    ) as app:
        print(f"server with {members:,} members up at {app.url}")
        yield app.url


def measure(page: Page, query: str) -> float:
    search = page.locator("#member-search")
    search.fill("")
    page.wait_for_function(
        "() => document.querySelector('#members-results').dataset.query === ''"
        " && document.querySelector('#members-results').getAttribute('aria-busy') === 'false'"
    )
    page.wait_for_timeout(300)
    page.evaluate(WATCH, [query])
    search.press_sequentially(query, delay=90)  # a quick typist: each key before the debounce fires
    return float(page.evaluate("() => window.__thrustRows"))


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
