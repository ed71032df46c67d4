"""Password hashing with bcrypt (12 rounds, as the seed), kept off the event loop and out of transactions."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import bcrypt

from thrust.core.db import in_open_transaction

log = logging.getLogger("thrust.security")

BCRYPT_ROUNDS = 12
# bcrypt only reads the first 72 bytes; longer passwords are refused by the password rules.
BCRYPT_MAX_BYTES = 72
UNUSABLE_PASSWORD = "!"  # stored for accounts that have no password yet; never matches


def _cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class _FairSlots:
    """At most `n` holders at once; waiters are served strictly first come, first served."""

    def __init__(self, n: int) -> None:
        self._lock = threading.Lock()
        self._free = n
        self._waiting: deque[threading.Event] = deque()

    def __enter__(self) -> None:
        with self._lock:
            if self._free > 0 and not self._waiting:
                self._free -= 1
                return
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()  # the slot is handed over by the holder that leaves (no barging past the queue)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1


# bcrypt is pure CPU work (it releases the GIL): more hashes at once than CPUs adds no throughput, it
# only makes every one of them slower and starves the event loop thread. Extra callers queue in order.
_BCRYPT_SLOTS = _FairSlots(_cpus())

# The hashes themselves run on a few threads of their own at a lower CPU priority (Linux: per thread).
# With nothing else to do they run at full speed; under a burst of (failed) sign-ins, requests, page
# loads and writes still get the CPUs first instead of queueing behind bcrypt.
BCRYPT_NICENESS = 10
T = TypeVar("T")


def _lower_priority() -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BCRYPT_NICENESS)


_BCRYPT_THREADS = ThreadPoolExecutor(_cpus(), thread_name_prefix="bcrypt", initializer=_lower_priority)


def _on_bcrypt_thread(work: Callable[..., T], *args: bytes) -> T:
    with _BCRYPT_SLOTS:  # in order, at most one per CPU: the pool never queues behind the slots' back
        return _BCRYPT_THREADS.submit(work, *args).result()


INSIDE_TRANSACTION = "bcrypt ran inside an open database transaction"
# The tests set this: a hash inside a unit of work's transaction is then an error, not a log line.
RAISE_INSIDE_TRANSACTION = False


class HashedInsideTransaction(RuntimeError):
    """bcrypt was called while a unit of work of the same request or thread had a transaction open."""


def _outside_transactions() -> None:
    # A hash costs ~0.25 s; inside a transaction it holds the transaction (on SQLite the write lock)
    # that long, and every other write waits. Look the user up, end the unit of work, hash, then write.
    if in_open_transaction():
        if RAISE_INSIDE_TRANSACTION:
            raise HashedInsideTransaction(INSIDE_TRANSACTION)
        log.error(INSIDE_TRANSACTION, stack_info=True)


def hash_password(password: str, *, rounds: int | None = None) -> str:
    """Hash a password (about 0.25 s at 12 rounds: call it from a worker thread in async code)."""
    # BCRYPT_ROUNDS is read at call time, so tests can lower it for speed.
    _outside_transactions()
    salt = bcrypt.gensalt(rounds or BCRYPT_ROUNDS)
    return _on_bcrypt_thread(bcrypt.hashpw, password.encode(), salt).decode()


def is_password_hash(value: str | None) -> bool:
    """True for a stored bcrypt hash; False for an account with no password yet (UNUSABLE_PASSWORD)."""
    return isinstance(value, str) and value.startswith("$2")


def verify_password(password: str, password_hash: str) -> bool:
    """Check a password against a stored hash; False for unusable or malformed hashes."""
    _outside_transactions()
    encoded = password.encode()
    if not is_password_hash(password_hash) or len(encoded) > BCRYPT_MAX_BYTES:
        return False
    try:
        return _on_bcrypt_thread(bcrypt.checkpw, encoded, password_hash.encode())
    except ValueError:
        return False
