"""The garbage collector's settings for a server holding many open tabs.

Reflex keeps every open tab's state tree in the worker's memory (millions of objects with a few hundred
tabs), and CPython's default collector walks all of them in each full collection. Measured with
bench/realtime.py at 500 live screens (1 worker, SQLite state store), the defaults gave a full
collection every ~10 s during steady pushes, each pausing the event loop for 400-470 ms: the push
that met one arrived that much later (p95 466 ms, against 62 ms with the settings below).

- `gc.freeze()` once the app is assembled: the compiled pages, state classes and routes never become
  garbage, so no collection needs to look at them again (and forked workers share their pages).
- A larger first generation (20,000 allocations instead of 700): a push round's short-lived objects
  (a task and a packet per socket) are mostly freed by reference counting before a collection runs,
  so far fewer of them are promoted, and the old generation grows, and is walked, far less often.
- The older generations collected less often (every 50 young collections, full ones after 100 of
  those). CPython still runs a full collection only once the objects promoted since the last one
  exceed a quarter of the old generation, so cyclic garbage stays bounded by the live heap's size.
"""

from __future__ import annotations

import gc

THRESHOLDS = (20_000, 50, 100)


def tune_collector() -> None:
    """Freeze what exists now (the assembled app) and set THRESHOLDS; call once, after the app is built."""
    gc.collect()  # what the import left behind is garbage: not frozen with the app
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
