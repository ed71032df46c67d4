"""What admins see of the AI planner in Settings: which provider writes plans, a test of the connection,
and this month's model calls per user with their tokens and estimated cost."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from sqlmodel import Session, col

from thrust.ai.errors import ProviderError
from thrust.ai.model_client import ModelConfig, test_connection
from thrust.auth.rbac import Actor, Permission, require
from thrust.gym import clock
from thrust.gym.service import get_gym
from thrust.models import AIUsageLog, User

OFFLINE = "Built-in planner (no AI endpoint configured)"
NOTHING_TO_TEST = (
    "There is nothing to test: no AI endpoint is configured, so the built-in planner writes every plan. "
    "Set OPENAI_API_KEY (and OPENAI_BASE_URL, OPENAI_MODEL for another server) to use a model."
)
REMOVED_ACCOUNT = "Removed account"


def shown_url(base_url: str) -> str:
    """The endpoint's address as an admin may see it: no user:password@ and no query (a key may ride
    in either)."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", "")) or base_url


def provider_label() -> str:
    """Which provider writes plans, in plain words: the built-in planner, or "<model> at <base URL>"."""
    if not ModelConfig.configured():
        return OFFLINE
    config = ModelConfig.from_settings()
    return f"{config.model} at {shown_url(config.base_url)}"


@dataclass(frozen=True)
class ConnectionCheck:
    """What "Test connection" found: whether the model answered, and the words to show."""

    ok: bool
    message: str
    tested: bool = True  # False: no endpoint is configured, nothing was asked


def check_connection(actor: Actor) -> ConnectionCheck:
    """Ask the configured model for one word (blocking: up to the configured time-out; run it in a
    worker thread). The provider's trouble comes back as its plain message, never raised."""
    require(actor, Permission.SETTINGS_MANAGE)
    if not ModelConfig.configured():
        return ConnectionCheck(ok=False, message=NOTHING_TO_TEST, tested=False)
    try:
        return ConnectionCheck(ok=True, message=test_connection(ModelConfig.from_settings()))
    except ProviderError as error:
        return ConnectionCheck(ok=False, message=error.message)


# -- this month's usage --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserUsage:
    """One user's model calls this month."""

    user_id: uuid.UUID
    name: str
    role: str  # "" for a removed account
    calls: int
    tokens: int
    cost: float  # USD, estimated


@dataclass(frozen=True)
class MonthUsage:
    """The gym's calendar month so far: each user's calls (most expensive first) and the totals."""

    month: date  # its first day
    users: tuple[UserUsage, ...]
    budget: float | None  # USD; None: no budget

    @property
    def calls(self) -> int:
        return sum(u.calls for u in self.users)

    @property
    def tokens(self) -> int:
        return sum(u.tokens for u in self.users)

    @property
    def cost(self) -> float:
        return sum(u.cost for u in self.users)


def month_usage(session: Session, actor: Actor, *, today: date | None = None) -> MonthUsage:
    """This calendar month's model calls (the gym's month, from its midnight on the 1st) per user, with
    their name and role; calls by an account that is gone still count, under "Removed account"."""
    require(actor, Permission.SETTINGS_MANAGE)
    first = (today or clock.today(session)).replace(day=1)
    start = clock.gym_clock(session).midnight(first)
    calls = sa.func.count(col(AIUsageLog.id))
    tokens = sa.func.coalesce(sa.func.sum(col(AIUsageLog.tokens_used)), 0)
    cost = sa.func.coalesce(sa.func.sum(col(AIUsageLog.cost)), 0.0)
    rows = session.execute(
        sa.select(col(AIUsageLog.user_id), col(User.full_name), col(User.role), calls, tokens, cost)
        .outerjoin(User, col(User.id) == col(AIUsageLog.user_id))
        .where(col(AIUsageLog.created_at) >= start)
        .group_by(col(AIUsageLog.user_id), col(User.full_name), col(User.role))
        .order_by(cost.desc(), calls.desc(), col(User.full_name))
    ).all()
    users = tuple(
        UserUsage(
            user_id=user_id,
            name=name or REMOVED_ACCOUNT,
            role=role.value if role is not None else "",
            calls=int(n),
            tokens=int(t),
            cost=float(c),
        )
        for user_id, name, role, n, t, c in rows
    )
    return MonthUsage(month=first, users=users, budget=get_gym(session).ai_monthly_budget_usd)
