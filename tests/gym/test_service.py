"""Gym settings: read by anyone, changed by ADMIN only, every field validated with its JSON name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session

from tests.auth.helpers import actor_of
from thrust.auth.rbac import Actor
from thrust.auth.sessions import IssuedTokens
from thrust.core.errors import PermissionDenied, Unauthorized, ValidationFailed
from thrust.gym import service
from thrust.models import Role, User

MakeUser = Callable[..., User]
SignIn = Callable[[User], IssuedTokens]


@pytest.fixture
def admin(make_user: MakeUser, sign_in: SignIn) -> Actor:
    return actor_of(sign_in(make_user(Role.ADMIN)))


@pytest.mark.parametrize("role", [Role.TRAINER, Role.MEMBER])
def test_only_admins_change_the_gym(db: Session, make_user: MakeUser, sign_in: SignIn, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        service.update_gym(db, actor_of(sign_in(make_user(role))), max_capacity=10)
    with pytest.raises(Unauthorized):
        service.update_gym(db, None, max_capacity=10)  # type: ignore[arg-type]  # no actor: what an anonymous caller would pass


def test_admin_changes_every_field(db: Session, admin: Actor) -> None:
    gym = service.update_gym(
        db,
        admin,
        name="  Iron   Temple ",
        max_capacity=250,
        timezone="America/New_York",
        auto_checkout_hours=6,
        opening_hours={"mon": ["06:00", "22:00"], "sun": None},
    )
    assert (gym.name, gym.max_capacity, gym.timezone, gym.auto_checkout_hours) == (
        "Iron Temple",
        250,
        "America/New_York",
        6,
    )
    assert gym.opening_hours["mon"] == ["06:00", "22:00"] and gym.opening_hours["sun"] is None
    assert gym.opening_hours["tue"] == ["05:30", "23:00"]  # days not sent keep their hours
    db.expire_all()
    stored = service.get_gym(db)
    assert stored.opening_hours["sun"] is None and stored.max_capacity == 250


def test_nothing_sent_changes_nothing(db: Session, admin: Actor) -> None:
    before = service.get_gym(db).name
    assert service.update_gym(db, admin).name == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"max_capacity": 0}, "maxCapacity"),
        ({"max_capacity": 10_001}, "maxCapacity"),
        ({"max_capacity": True}, "maxCapacity"),
        ({"max_capacity": "100"}, "maxCapacity"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"auto_checkout_hours": 0}, "autoCheckoutHours"),
        ({"auto_checkout_hours": 25}, "autoCheckoutHours"),
        ({"opening_hours": {"mon": ["23:00", "05:00"]}}, "openingHours"),
        ({"opening_hours": {"mon": ["06:00", "06:00"]}}, "openingHours"),
        ({"opening_hours": {"mon": ["6:00", "22:00"]}}, "openingHours"),
        ({"opening_hours": {"mon": ["06:00", "24:00"]}}, "openingHours"),
        ({"opening_hours": {"mon": ["06:00"]}}, "openingHours"),
        ({"opening_hours": {"mon": "06:00-22:00"}}, "openingHours"),
        ({"opening_hours": {"monday": ["06:00", "22:00"]}}, "openingHours"),
        ({"opening_hours": ["06:00", "22:00"]}, "openingHours"),
    ],
)
def test_each_field_is_validated(db: Session, admin: Actor, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        service.update_gym(db, admin, **changes)
    assert [d.field for d in exc.value.details] == [field]
    assert exc.value.details[0].message


def test_every_problem_is_reported_at_once(db: Session, admin: Actor) -> None:
    with pytest.raises(ValidationFailed) as exc:
        service.update_gym(
            db, admin, name="", max_capacity=-1, timezone="Nowhere", auto_checkout_hours=99,
            opening_hours={"mon": ["10:00", "09:00"], "tue": ["bad", "22:00"]},
        )  # fmt: skip
    fields = [d.field for d in exc.value.details]
    assert fields.count("openingHours") == 2
    assert set(fields) == {"name", "maxCapacity", "timezone", "autoCheckoutHours", "openingHours"}
    messages = [d.message for d in exc.value.details if d.field == "openingHours"]
    assert messages == [
        "Monday: opening time must be before closing time",
        "Tuesday: times must be HH:MM (00:00 to 23:59)",
    ]


def test_bounds_are_inclusive(db: Session, admin: Actor) -> None:
    service.update_gym(db, admin, max_capacity=1, auto_checkout_hours=1)
    gym = service.update_gym(db, admin, max_capacity=10_000, auto_checkout_hours=24, name="x" * 120)
    assert (gym.max_capacity, gym.auto_checkout_hours) == (10_000, 24)


# -- the AI planner's settings ---------------------------------------------------------------------------


def test_the_ai_budget_and_approval_rule(db: Session, admin: Actor) -> None:
    gym = service.get_gym(db)
    assert gym.ai_monthly_budget_usd is None and gym.ai_requires_approval is False
    gym = service.update_gym(db, admin, ai_monthly_budget_usd=49.999, ai_requires_approval=True)
    assert (gym.ai_monthly_budget_usd, gym.ai_requires_approval) == (50.0, True)  # kept to the cent
    gym = service.update_gym(db, admin, name="Iron Temple")  # not sent: both stay
    assert (gym.ai_monthly_budget_usd, gym.ai_requires_approval) == (50.0, True)
    for bound in (0, 100_000):
        assert service.update_gym(db, admin, ai_monthly_budget_usd=bound).ai_monthly_budget_usd == bound
    gym = service.update_gym(db, admin, ai_monthly_budget_usd=None, ai_requires_approval=False)
    assert (gym.ai_monthly_budget_usd, gym.ai_requires_approval) == (None, False)  # None: no budget
    db.expire_all()
    assert service.get_gym(db).ai_monthly_budget_usd is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ai_monthly_budget_usd": -0.01}, "aiMonthlyBudgetUsd"),
        ({"ai_monthly_budget_usd": 100_000.01}, "aiMonthlyBudgetUsd"),
        ({"ai_monthly_budget_usd": float("nan")}, "aiMonthlyBudgetUsd"),
        ({"ai_monthly_budget_usd": float("inf")}, "aiMonthlyBudgetUsd"),
        ({"ai_monthly_budget_usd": "25"}, "aiMonthlyBudgetUsd"),
        ({"ai_monthly_budget_usd": True}, "aiMonthlyBudgetUsd"),
        ({"ai_requires_approval": "yes"}, "aiRequiresApproval"),
        ({"ai_requires_approval": 1}, "aiRequiresApproval"),
    ],
)
def test_the_ai_settings_are_validated(
    db: Session, admin: Actor, changes: dict[str, Any], field: str
) -> None:
    service.update_gym(db, admin, ai_monthly_budget_usd=10)
    with pytest.raises(ValidationFailed) as exc:
        service.update_gym(db, admin, **changes)
    assert [d.field for d in exc.value.details] == [field]
    assert service.get_gym(db).ai_monthly_budget_usd == 10


@pytest.mark.parametrize("role", [Role.TRAINER, Role.MEMBER])
def test_only_admins_set_the_ai_budget(db: Session, make_user: MakeUser, sign_in: SignIn, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        service.update_gym(db, actor_of(sign_in(make_user(role))), ai_monthly_budget_usd=None)
    with pytest.raises(PermissionDenied):
        service.update_gym(db, actor_of(sign_in(make_user(role))), ai_requires_approval=True)
