"""Password hashing with bcrypt (12 rounds, as the seed), kept off the event loop by callers."""

from __future__ import annotations

import os
import threading
from collections import deque

import bcrypt

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


def hash_password(password: str, *, rounds: int | None = None) -> str:
    """Hash a password (about 0.25 s at 12 rounds: call it from a worker thread in async code)."""
    # BCRYPT_ROUNDS is read at call time, so tests can lower it for speed.
    salt = bcrypt.gensalt(rounds or BCRYPT_ROUNDS)
    with _BCRYPT_SLOTS:
        return bcrypt.hashpw(password.encode(), salt).decode()


def verify_password(password: str, password_hash: str) -> bool:
    """Check a password against a stored hash; False for unusable or malformed hashes."""
    encoded = password.encode()
    if not password_hash.startswith("$2") or len(encoded) > BCRYPT_MAX_BYTES:
        return False
    try:
        with _BCRYPT_SLOTS:
            return bcrypt.checkpw(encoded, password_hash.encode())
    except ValueError:
        return False
