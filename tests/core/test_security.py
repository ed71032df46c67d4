"""Password hashing: never more bcrypt at once than CPUs, callers served in arrival order, at a lower CPU
priority than the rest of the app."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from thrust.core import security
from thrust.core.security import _FairSlots


def _run_queued(slots: _FairSlots, holders: int, workers: int) -> tuple[int, list[int]]:
    """Fill every slot, queue `workers` threads in a known order, release; return (peak, order served)."""
    lock = threading.Lock()
    active, peak, order = [0], [0], []

    def work(n: int) -> None:
        with slots:
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
                order.append(n)
            time.sleep(0.002)
            with lock:
                active[0] -= 1

    for _ in range(holders):
        slots.__enter__()
    threads = []
    for n in range(workers):
        thread = threading.Thread(target=work, args=(n,))
        thread.start()
        threads.append(thread)
        while len(slots._waiting) < n + 1:  # in the queue before the next one starts
            time.sleep(0.0005)
    for _ in range(holders):
        slots.__exit__()
    for thread in threads:
        thread.join()
    return peak[0], order


def test_slots_bound_concurrency() -> None:
    peak, order = _run_queued(_FairSlots(2), holders=2, workers=10)
    assert peak == 2 and sorted(order) == list(range(10))


def test_slots_serve_first_come_first_served() -> None:
    assert _run_queued(_FairSlots(1), holders=1, workers=10) == (1, list(range(10)))


def test_a_malformed_hash_gives_its_slot_back() -> None:
    for _ in range(security._cpus() + 2):
        assert security.verify_password("Secret-Pass-1", "$2b$04$not-a-real-hash") is False
    hashed = security.hash_password("Secret-Pass-1", rounds=4)
    assert security.verify_password("Secret-Pass-1", hashed)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priorities are Linux's")
def test_bcrypt_runs_at_a_lower_cpu_priority_than_its_callers(monkeypatch: pytest.MonkeyPatch) -> None:
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: list[int] = []
    real = security.bcrypt.hashpw

    def spying(password: bytes, salt: bytes) -> bytes:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return real(password, salt)

    monkeypatch.setattr(security.bcrypt, "hashpw", spying)
    security.hash_password("Secret-Pass-1", rounds=4)
    assert seen == [before + security.BCRYPT_NICENESS] or seen == [19]  # nice is capped at 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before  # the caller's is unchanged
