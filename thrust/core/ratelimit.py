"""Attempt limits (login brute force): in-process or in Redis, one interface, checked before any work.

A limit counts *charged* attempts (for login: failures) in a fixed window that starts with the first
charged attempt. To stay strict under concurrency, an attempt is also counted as *in flight* while it
runs: a new one is refused when charged + in-flight attempts already reach the limit, so a burst of
parallel guesses cannot run more bcrypt checks than the limit allows. Refusals caused only by attempts
in flight say "try again in a moment" (Retry-After: 1).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import TracebackType
from typing import Protocol

import redis

from thrust.core.errors import RateLimited
from thrust.core.settings import get_settings

log = logging.getLogger("thrust.ratelimit")

KEY_PREFIX = "thrust:rl:"
BUSY = -2  # retry_after marker: refused only because of attempts still in flight
INFLIGHT_TTL_MS = 60_000  # an attempt whose worker died stops counting after a minute


@dataclass(frozen=True)
class Limit:
    """At most `max_attempts` charged attempts per `window_seconds`, per subject (an IP, an account)."""

    name: str
    max_attempts: int
    window_seconds: float
    message: str = "Too many attempts. Try again in {wait}."


@dataclass(frozen=True)
class Denied:
    index: int  # which of the checks refused
    retry_after: float  # seconds, or BUSY


class Backend(Protocol):
    def begin(self, keys: Sequence[str], limits: Sequence[Limit]) -> Denied | None:
        """Atomically refuse, or count one attempt in flight under every key."""

    def finish(self, keys: Sequence[str], limits: Sequence[Limit], *, charge: bool) -> None:
        """End an attempt: no longer in flight; when charged, add it to every key's window."""

    def reset(self) -> None:
        """Forget every count (tests)."""


# -- in-process -------------------------------------------------------------------------------------


@dataclass
class _Counter:
    charged: int = 0
    window_ends: float = 0.0
    inflight: int = 0


class InProcessBackend:
    """Counts in this process only (one worker, no Redis): thread-safe, on a monotonic clock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._counters: dict[str, _Counter] = {}

    def _counter(self, key: str, now: float) -> _Counter:
        counter = self._counters.get(key)
        if counter is None:
            counter = self._counters[key] = _Counter()
        elif counter.charged and now >= counter.window_ends:
            counter.charged = 0
        return counter

    def _prune(self, now: float) -> None:
        if len(self._counters) < 10_000:
            return
        for key in [k for k, c in self._counters.items() if not c.inflight and now >= c.window_ends]:
            del self._counters[key]

    def begin(self, keys: Sequence[str], limits: Sequence[Limit]) -> Denied | None:
        with self._lock:
            now = self.clock()
            self._prune(now)
            counters = [self._counter(key, now) for key in keys]
            for index, (counter, limit) in enumerate(zip(counters, limits, strict=True)):
                if counter.charged >= limit.max_attempts:
                    return Denied(index, counter.window_ends - now)
                if counter.charged + counter.inflight >= limit.max_attempts:
                    return Denied(index, BUSY)
            for counter in counters:
                counter.inflight += 1
            return None

    def finish(self, keys: Sequence[str], limits: Sequence[Limit], *, charge: bool) -> None:
        with self._lock:
            now = self.clock()
            for key, limit in zip(keys, limits, strict=True):
                counter = self._counter(key, now)
                counter.inflight = max(0, counter.inflight - 1)
                if charge:
                    if counter.charged == 0:
                        counter.window_ends = now + limit.window_seconds
                    counter.charged += 1

    def reset(self) -> None:
        with self._lock:
            self._counters.clear()


# -- Redis ------------------------------------------------------------------------------------------

# KEYS: charged_1, inflight_1, charged_2, inflight_2, ...  ARGV: limit_1, limit_2, ..., inflight ttl (ms)
_BEGIN = """
local n = #KEYS / 2
for i = 1, n do
  local limit = tonumber(ARGV[i])
  local charged = tonumber(redis.call('GET', KEYS[2*i-1]) or '0')
  if charged >= limit then
    local ttl = redis.call('PTTL', KEYS[2*i-1])
    return {i, ttl}
  end
  local inflight = tonumber(redis.call('GET', KEYS[2*i]) or '0')
  if charged + inflight >= limit then
    return {i, -2}
  end
end
for i = 1, n do
  redis.call('INCR', KEYS[2*i])
  redis.call('PEXPIRE', KEYS[2*i], ARGV[n+1])
end
return {0, 0}
"""

# KEYS as above. ARGV: charge ("1"/"0"), window_1 (ms), window_2 (ms), ...
_FINISH = """
for i = 1, #KEYS / 2 do
  if redis.call('EXISTS', KEYS[2*i]) == 1 then
    if redis.call('DECR', KEYS[2*i]) <= 0 then redis.call('DEL', KEYS[2*i]) end
  end
  if ARGV[1] == '1' then
    if redis.call('INCR', KEYS[2*i-1]) == 1 then
      redis.call('PEXPIRE', KEYS[2*i-1], ARGV[i+1])
    end
  end
end
return 0
"""


class RedisBackend:
    """Counts shared by every worker, updated atomically by Lua scripts; keys under `thrust:rl:`."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._begin = client.register_script(_BEGIN)
        self._finish = client.register_script(_FINISH)

    @staticmethod
    def _keys(keys: Sequence[str]) -> list[str]:
        return [part for key in keys for part in (key, key + ":inflight")]

    def begin(self, keys: Sequence[str], limits: Sequence[Limit]) -> Denied | None:
        args = [limit.max_attempts for limit in limits] + [INFLIGHT_TTL_MS]
        index, ttl_ms = self._begin(keys=self._keys(keys), args=args)
        if int(index) == 0:
            return None
        ttl_ms = int(ttl_ms)
        limit = limits[int(index) - 1]
        if ttl_ms == BUSY:
            return Denied(int(index) - 1, BUSY)
        retry = ttl_ms / 1000 if ttl_ms > 0 else limit.window_seconds
        return Denied(int(index) - 1, retry)

    def finish(self, keys: Sequence[str], limits: Sequence[Limit], *, charge: bool) -> None:
        args = ["1" if charge else "0"] + [max(1, int(limit.window_seconds * 1000)) for limit in limits]
        self._finish(keys=self._keys(keys), args=args)

    def reset(self) -> None:
        for key in self.client.scan_iter(match=KEY_PREFIX + "*", count=500):
            self.client.delete(key)


# -- the limiter --------------------------------------------------------------------------------------


def _wait_text(seconds: float) -> str:
    if seconds < 60:
        whole = max(1, math.ceil(seconds))
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


IPV6_PREFIX = 64  # one subscriber's network: an attacker holding a /64 can use any address in it


def address_subject(ip: str | None) -> str:
    """The subject a per-address limit counts for `ip`: the address (IPv4), or its /64 (IPv6)."""
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d is that IPv4 client
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address)


def limit_key(limit: Limit, subject: str) -> str:
    # Hashed: no emails or addresses in Redis keys, and a bounded key length whatever the input.
    digest = hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{KEY_PREFIX}{limit.name}:{digest}"


@dataclass
class Attempt:
    """One attempt in flight; `charge()` makes it count against the limits when it ends."""

    limiter: RateLimiter
    backend: Backend
    keys: list[str]
    limits: list[Limit]
    charged: bool = field(default=False)

    def charge(self) -> None:
        self.charged = True

    def __enter__(self) -> Attempt:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.limiter._finish(self)


class RateLimiter:
    """Checks limits before work starts: `with limiter.attempt((LIMIT, subject), ...) as attempt:`."""

    def __init__(self, backend: Backend, *, fallback: Backend | None = None) -> None:
        self.backend = backend
        # Used for one call when the main backend (Redis) fails: per-worker limits beat none at all.
        self.fallback = fallback

    def attempt(self, *checks: tuple[Limit, str]) -> Attempt:
        """Start an attempt, or raise RateLimited (with Retry-After) if any limit is reached."""
        limits = [limit for limit, _ in checks]
        keys = [limit_key(limit, subject) for limit, subject in checks]
        backend = self.backend
        if not checks:  # nothing to limit (a caller that exempts this attempt): a no-op attempt
            return Attempt(self, backend, keys, limits)
        try:
            denied = backend.begin(keys, limits)
        except redis.RedisError as exc:
            if self.fallback is None:
                raise
            log.warning("rate limits fall back to this process: Redis failed (%s)", exc)
            backend = self.fallback
            denied = backend.begin(keys, limits)
        if denied is not None:
            if denied.retry_after == BUSY:
                raise RateLimited("Too many attempts at once. Try again in a moment.", retry_after=1)
            wait = max(1.0, denied.retry_after)
            message = limits[denied.index].message.format(wait=_wait_text(wait))
            raise RateLimited(message, retry_after=math.ceil(wait))
        return Attempt(self, backend, keys, limits)

    def _finish(self, attempt: Attempt) -> None:
        if not attempt.keys:
            return
        try:
            attempt.backend.finish(attempt.keys, attempt.limits, charge=attempt.charged)
        except redis.RedisError as exc:
            log.warning("could not record an attempt in Redis (%s)", exc)

    def reset(self) -> None:
        self.backend.reset()
        if self.fallback is not None:
            self.fallback.reset()


_in_process = InProcessBackend()


@lru_cache(maxsize=4)
def _limiter_for(redis_url: str | None) -> RateLimiter:
    if not redis_url:
        return RateLimiter(_in_process)
    client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
    return RateLimiter(RedisBackend(client), fallback=_in_process)


def get_rate_limiter() -> RateLimiter:
    """The limiter for this process's settings: Redis when REDIS_URL is set, in-process otherwise."""
    return _limiter_for(get_settings().redis_url)


def reset_in_process_limits() -> None:
    """Forget every in-process count (tests)."""
    _in_process.reset()
