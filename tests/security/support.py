"""Helpers for the security suite: accounts, database snapshots, what a socket's messages say, the app's
handlers with dummy arguments, and hand-made JWTs.

Everything here talks to the session's running server (`tests/server.py`) the way an attacker would:
HTTP with httpx, the socket with tests/support/socket_client.py (python-socketio speaking Reflex's
protocol). The server's SQLite database is only ever opened read-only.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import sqlite3
import typing
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
from sqlalchemy.engine import make_url

from tests.support.socket_client import Message, fresh_ip
from thrust.auth.policy import DENIED_MESSAGE, SESSION_ENDED_MESSAGE, Policy
from thrust.models import Role

ROLES: tuple[Role | None, ...] = (None, Role.MEMBER, Role.TRAINER, Role.ADMIN)
GENERIC_ERROR = "An error occurred"  # Reflex's toast for an exception a handler did not handle
NOBODY = "5e0c1b7a-0000-4000-8000-00000000dead"  # a well-formed id that names nothing

# (handler or route, role) pairs checked by the authorization matrices, shown in the terminal summary.
MATRIX: Counter[str] = Counter()


def role_name(role: Role | None) -> str:
    return role.value if role is not None else "ANONYMOUS"


# -- the server's database, read-only -------------------------------------------------------------------

_LATEST_COLUMNS = (
    "updated_at",
    "check_in_time",
    "check_out_time",
    "created_at",
    "revoked_at",
    "last_used_at",
    "last_login_at",
    "password_changed_at",
)


@dataclass(frozen=True)
class TableState:
    rows: int
    latest: tuple[tuple[str, Any], ...]
    digest: str


Snapshot = dict[str, TableState]
# Written by the server on its own clock, whatever any caller does: the scheduler records each job run.
SERVER_OWN_TABLES = frozenset({"job_runs"})


class Database:
    """Read-only view of the running server's SQLite database."""

    def __init__(self, db_url: str) -> None:
        path = make_url(db_url).database
        assert path, db_url
        self.path = path

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.connect() as connection:
            return connection.execute(sql, args).fetchall()

    def snapshot(self) -> Snapshot:
        """Per table: row count, max() of its time columns, and a digest of every row."""
        result: Snapshot = {}
        with self.connect() as connection:
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master"
                    " WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
                if row[0] not in SERVER_OWN_TABLES
            ]
            for table in tables:
                columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
                times = [c for c in _LATEST_COLUMNS if c in columns]
                latest: tuple[tuple[str, Any], ...] = ()
                if times:
                    values = connection.execute(
                        "SELECT " + ", ".join(f'max("{c}")' for c in times) + f' FROM "{table}"'
                    ).fetchone()
                    latest = tuple(zip(times, values, strict=True))
                digest = hashlib.blake2b(digest_size=16)
                rows = 0
                for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                    digest.update(repr(row).encode())
                    rows += 1
                result[table] = TableState(rows, latest, digest.hexdigest())
        return result


def db_changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What differs between two snapshots, one readable line per table."""
    lines = []
    for table in sorted(set(before) | set(after)):
        a, b = before.get(table), after.get(table)
        if a == b:
            continue
        if a is None or b is None:
            lines.append(f"{table}: table appeared or vanished")
            continue
        parts = []
        if a.rows != b.rows:
            parts.append(f"rows {a.rows} -> {b.rows}")
        parts.extend(
            f"max({c}) {x!r} -> {y!r}" for (c, x), (_, y) in zip(a.latest, b.latest, strict=True) if x != y
        )
        if not parts:
            parts.append("row contents changed")
        lines.append(f"{table}: " + ", ".join(parts))
    return lines


# -- accounts -----------------------------------------------------------------------------------------


@dataclass
class Account:
    """A signed-in user: bearer tokens for HTTP, the same access token as the socket's cookie."""

    email: str
    password: str
    role: Role
    user_id: str
    access: str
    refresh: str
    member_id: str | None = None
    full_name: str = ""

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}

    @property
    def cookie(self) -> str:
        return f"thrust_access={self.access}"


def api_login(base_url: str, email: str, password: str, *, ip: str | None = None) -> httpx.Response:
    return httpx.post(
        f"{base_url}/api/v1/auth/login",
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": ip or fresh_ip()},
        timeout=60,
    )


def sign_in_account(base_url: str, db: Database, email: str, password: str) -> Account:
    """Sign in (bearer mode) and describe the account from the database."""
    response = api_login(base_url, email, password)
    assert response.status_code == 200, (email, response.status_code, response.text)
    data = response.json()["data"]
    user = data["user"]
    member = db.query("SELECT id FROM members WHERE user_id = ?", uuid.UUID(user["id"]).hex)
    return Account(
        email=email,
        password=password,
        role=Role(user["role"]),
        user_id=user["id"],
        access=data["accessToken"],
        refresh=data["refreshToken"],
        member_id=str(uuid.UUID(member[0][0])) if member else None,
        full_name=user["fullName"],
    )


# -- the socket ---------------------------------------------------------------------------------------


def refusals(messages: list[Message]) -> list[str]:
    """The refusals among `messages`: a permission toast or a session-ended toast/redirect."""
    found = []
    for message in messages:
        for event in message.events:
            text = json.dumps(event, default=str)
            if DENIED_MESSAGE in text:
                found.append("denied toast")
            elif SESSION_ENDED_MESSAGE in text:
                found.append("session-ended toast")
    return found


def toasts(messages: list[Message]) -> list[str]:
    """The text of every toast call among `messages`."""
    found = []
    for message in messages:
        for event in message.events:
            text = json.dumps(event.get("payload", {}), default=str)
            if "__toast" in text:
                found.append(text)
    return found


def changes(messages: list[Message]) -> list[str]:
    return [
        f"{state.rsplit('.', 1)[-1]}.{var}: {old!r} -> {new!r}"
        for m in messages
        for state, var, old, new in m.changes
    ]


# -- the app's handlers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # str, int, float, bool, dict, list, upload, any


@dataclass(frozen=True)
class Handler:
    """One registered event handler, as the socket protocol names it, with its policy."""

    name: str
    state: str
    method: str
    qualified: str  # module.Class.method, for the allow-list
    policy: Policy
    params: tuple[Param, ...]
    background: bool

    def allows(self, role: Role | None) -> bool:
        return self.policy.allows_role(role)

    @property
    def short(self) -> str:
        return self.qualified.removeprefix("thrust.")


def _kind(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty or annotation is Any:
        return "any"
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _kind(args[0]) if args else "any"
    if origin is not None:
        if origin in (list, tuple, set, frozenset):
            inner = typing.get_args(annotation)
            if inner and "UploadFile" in getattr(inner[0], "__name__", str(inner[0])):
                return "upload"
            return "list"
        if origin is dict:
            return "dict"
        return "any"
    if isinstance(annotation, str):
        text = annotation.replace(" ", "")
        for kind in ("bool", "int", "float", "str", "dict", "list"):
            if text == kind or text.startswith(kind + "[") or text.startswith(kind + "|"):
                return "upload" if "UploadFile" in text else kind
        return "any"
    for kind, types in (
        ("bool", bool),
        ("int", int),
        ("float", float),
        ("str", str),
        ("dict", dict),
        ("list", list),
    ):
        if annotation is types:
            return kind
    return "any"


def _params(fn: Any) -> tuple[Param, ...]:
    original = inspect.unwrap(fn)
    try:
        hints = typing.get_type_hints(original)
    except Exception:
        hints = {}
    result = []
    for name, parameter in list(inspect.signature(original).parameters.items())[1:]:
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        if parameter.default is not inspect.Parameter.empty:
            continue
        result.append(Param(name, _kind(hints.get(name, parameter.annotation))))
    return tuple(result)


def app_handlers() -> list[Handler]:
    """Every handler of every state in the app's own registry (`all_handler_policies()`)."""
    import thrust.thrust  # noqa: F401  (registers every state the app serves)
    from thrust.auth.policy import all_handler_policies
    from thrust.core.reflex_compat import registered_function, registered_handlers

    registered = registered_handlers()
    handlers = []
    for name, policy in all_handler_policies().items():
        entry = registered[name]
        state_cls = entry.states[0] if entry.states else None
        state, method = name.rsplit(".", 1)
        qualified = f"{state_cls.__module__}.{state_cls.__qualname__}.{method}" if state_cls else name
        handlers.append(
            Handler(
                name=name,
                state=state,
                method=method,
                qualified=qualified,
                policy=policy,
                params=_params(registered_function(entry)),
                background=bool(entry.handler.is_background),
            )
        )
    return handlers


def dummy_value(param: Param) -> Any:
    """A plausible value of the right type (ids are well formed and name nothing)."""
    if param.kind == "bool":
        return False
    if param.kind == "int":
        return 1
    if param.kind == "float":
        return 1.0
    if param.kind == "dict":
        return {}
    if param.kind in ("list", "upload"):
        return []
    if param.name.endswith("id"):
        return NOBODY
    return "x"


def dummy_args(handler: Handler) -> dict[str, Any]:
    return {p.name: dummy_value(p) for p in handler.params}


# -- tokens -------------------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def forge(token: str, secret: str, *, header: dict[str, Any] | None = None, **claims: Any) -> str:
    """Re-sign `token` with the server's own key after changing its header and claims."""
    old_header, old_claims = unverified(token)
    new_header = {k: v for k, v in {**old_header, **(header or {})}.items() if k != "alg"}
    return jwt.encode({**old_claims, **claims}, secret, algorithm="HS256", headers=new_header)


def unsigned(token: str, **claims: Any) -> str:
    """`alg: none`: the same claims, no signature."""
    header, old_claims = unverified(token)
    head = b64url(json.dumps({**header, "alg": "none"}).encode())
    body = b64url(json.dumps({**old_claims, **claims}).encode())
    return f"{head}.{body}."


def tampered(token: str) -> str:
    """The same token with one bit of its signature flipped."""
    head, body, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 0x01
    return f"{head}.{body}.{b64url(bytes(raw))}"


def expired_claims() -> dict[str, int]:
    now = datetime.now(UTC)
    return {
        "iat": int((now - timedelta(days=2)).timestamp()),
        "exp": int((now - timedelta(minutes=5)).timestamp()),
    }
