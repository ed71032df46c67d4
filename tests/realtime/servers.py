"""Helpers for realtime tests and benchmarks: members who may enter, which worker holds which socket.

Servers themselves (the session's, or a second one with two workers on Redis) come from
tests/server.py `launch`, re-exported here for the realtime tests and bench/realtime.py.
"""

from __future__ import annotations

import pickle
import uuid
from dataclasses import dataclass
from datetime import date

import redis
from sqlalchemy import create_engine, text

from tests.server import RedisServer, Server, free_port, healthy, launch

__all__ = [
    "Candidate",
    "RedisServer",
    "Server",
    "free_port",
    "healthy",
    "launch",
    "members_who_may_enter",
    "socket_owners",
]

SOCKET_RECORD_PREFIX = "token_manager_socket_record_"  # Reflex's RedisTokenManager keys


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    email: str


def members_who_may_enter(db_url: str, count: int) -> list[Candidate]:
    """Active, unexpired demo members who are not inside (in random order), from the server's database."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT m.id, m.full_name, u.email FROM members m JOIN users u ON u.id = m.user_id "
                    "WHERE m.status = 'ACTIVE' AND m.membership_end > :today "
                    # Demo members only (they share the one seeded password hash): members other
                    # tests created or imported have no usable password, and some tests change theirs.
                    "AND u.password_hash = (SELECT password_hash FROM users GROUP BY password_hash "
                    "ORDER BY count(*) DESC LIMIT 1) "
                    "AND NOT EXISTS (SELECT 1 FROM check_ins c WHERE c.member_id = m.id "
                    "AND c.check_out_time IS NULL) ORDER BY random() LIMIT :n"
                ),
                {"n": count, "today": date.today().isoformat()},
            ).all()
    finally:
        engine.dispose()
    return [Candidate(str(uuid.UUID(str(raw))), name, email) for raw, name, email in rows]


def socket_owners(redis_url: str, tokens: list[str]) -> dict[str, str]:
    """token -> id of the worker holding its socket (Reflex's own records in Redis)."""
    client = redis.Redis.from_url(redis_url)
    try:
        owners = {}
        for token in tokens:
            raw = client.get(SOCKET_RECORD_PREFIX + token)
            if raw is not None:
                owners[token] = pickle.loads(raw).instance_id  # Reflex's own record, in our Redis
        return owners
    finally:
        client.close()
