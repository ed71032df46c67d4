"""The gym's own settings (name, capacity, timezone, opening hours, the AI planner's budget and approval
rule): reading and changing them."""

from __future__ import annotations

import math
import re
from enum import Enum
from functools import lru_cache
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from sqlmodel import Session, col

from thrust.auth.rbac import Actor, Permission, require
from thrust.core.db import is_read_only
from thrust.core.errors import FieldProblem, ValidationFailed
from thrust.core.validation import unstorable_fields
from thrust.models import GymSettings

GYM_ID = 1


def get_gym(session: Session) -> GymSettings:
    """The gym's settings row; the initial migration creates it, this recreates it if it was removed
    (a reading unit of work, which cannot write, gets the defaults unsaved)."""
    gym = session.get(GymSettings, GYM_ID)
    if gym is None:
        gym = GymSettings(id=GYM_ID)
        if not is_read_only(session):
            session.add(gym)
            session.flush()
    return gym


# Built once: the members pages read the timezone on most calls, where building and keying a statement
# (and loading the whole settings row) cost more than the query itself.
_TIMEZONE = sa.select(col(GymSettings.timezone)).where(col(GymSettings.id) == GYM_ID)


def gym_timezone(session: Session) -> ZoneInfo:
    """The gym's timezone (one column, without loading the settings row or flushing the session:
    `update_gym` flushes what it changes)."""
    name = session.connection().execute(_TIMEZONE).scalar()
    return ZoneInfo(name if name is not None else get_gym(session).timezone)


def gym_name(session: Session) -> str:
    """The name shown in every page's header and on the login page (public information)."""
    return get_gym(session).name


# -- changing them (ADMIN) ------------------------------------------------------------------------------

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = dict(
    zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)
MAX_NAME_LENGTH = 120
CAPACITY_RANGE = (1, 10_000)
AUTO_CHECKOUT_RANGE = (1, 24)
AI_BUDGET_RANGE = (0, 100_000)  # USD a calendar month; None: no budget
AI_BUDGET_MESSAGE = (
    f"Monthly AI budget must be an amount from {AI_BUDGET_RANGE[0]} to {AI_BUDGET_RANGE[1]:,} US dollars, "
    "or empty for no budget"
)


class Keep(Enum):
    """ "Leave it as it is", for a setting whose None means something (no AI budget)."""

    KEEP = "keep"


KEEP = Keep.KEEP
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_range(
    value: object, field: str, label: str, bounds: tuple[int, int], problems: list[FieldProblem]
) -> None:
    low, high = bounds
    if not _is_int(value) or not low <= value <= high:
        problems.append(FieldProblem(field, f"{label} must be a whole number from {low} to {high:,}"))


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone name this system knows, sorted (the API documents them as the allowed values)."""
    return tuple(sorted(available_timezones()))


def valid_timezone(name: object) -> bool:
    """True for an IANA zone name that this system knows (e.g. Europe/Berlin)."""
    if not isinstance(name, str) or not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return False
    if name not in timezone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _opening_hours_problems(hours: object) -> list[str]:
    if not isinstance(hours, dict):
        return ["Opening hours must map each day (mon..sun) to an opening and closing time, or null"]
    problems: list[str] = []
    unknown = sorted(str(day) for day in hours if day not in DAYS)
    if unknown:
        problems.append(f"Unknown day(s): {', '.join(unknown)[:100]}; use mon, tue, wed, thu, fri, sat, sun")
    for day in DAYS:
        if day not in hours or hours[day] is None:
            continue
        span = hours[day]
        name = DAY_NAMES[day]
        if not (isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(t, str) for t in span)):
            problems.append(f'{name}: give an opening and a closing time, like ["06:00", "22:00"], or null')
        elif not all(_HHMM.match(t) for t in span):
            problems.append(f"{name}: times must be HH:MM (00:00 to 23:59)")
        elif span[0] >= span[1]:
            problems.append(f"{name}: opening time must be before closing time")
    return problems


def update_gym(
    session: Session,
    actor: Actor,
    *,
    name: str | None = None,
    max_capacity: int | None = None,
    timezone: str | None = None,
    auto_checkout_hours: int | None = None,
    opening_hours: dict[str, Any] | None = None,
    public_occupancy: bool | None = None,
    ai_requires_approval: bool | None = None,
    ai_monthly_budget_usd: float | Keep | None = KEEP,
) -> GymSettings:
    """Change the gym's settings; None leaves a field unchanged, a day left out keeps its hours.
    The AI budget is the exception: None removes it, `KEEP` (the default) leaves it."""
    require(actor, Permission.SETTINGS_MANAGE)
    problems = unstorable_fields({"name": name, "timezone": timezone})
    if problems:
        raise ValidationFailed(details=problems)
    if name is not None:
        name = " ".join(name.split()) if isinstance(name, str) else ""
        if not name:
            problems.append(FieldProblem("name", "Gym name is required"))
        elif len(name) > MAX_NAME_LENGTH:
            problems.append(FieldProblem("name", f"Gym name must be at most {MAX_NAME_LENGTH} characters"))
    if max_capacity is not None:
        _check_range(max_capacity, "maxCapacity", "Max capacity", CAPACITY_RANGE, problems)
    if timezone is not None:
        if isinstance(timezone, str):
            timezone = timezone.strip()
        if not valid_timezone(timezone):
            problems.append(FieldProblem("timezone", "Choose a valid time zone, e.g. Europe/Berlin"))
    if auto_checkout_hours is not None:
        _check_range(
            auto_checkout_hours, "autoCheckoutHours", "Auto check-out hours", AUTO_CHECKOUT_RANGE, problems
        )
    if opening_hours is not None:
        problems.extend(
            FieldProblem("openingHours", message) for message in _opening_hours_problems(opening_hours)
        )
    if public_occupancy is not None and not isinstance(public_occupancy, bool):
        problems.append(FieldProblem("publicOccupancy", "Choose on or off"))
    if ai_requires_approval is not None and not isinstance(ai_requires_approval, bool):
        problems.append(FieldProblem("aiRequiresApproval", "Choose on or off"))
    if not isinstance(ai_monthly_budget_usd, Keep) and ai_monthly_budget_usd is not None:
        ai_monthly_budget_usd = _budget(ai_monthly_budget_usd, problems)
    if problems:
        raise ValidationFailed(details=problems)

    gym = get_gym(session)
    if name is not None:
        gym.name = name
    if max_capacity is not None:
        gym.max_capacity = max_capacity
    if timezone is not None:
        gym.timezone = timezone
    if auto_checkout_hours is not None:
        gym.auto_checkout_hours = auto_checkout_hours
    if opening_hours is not None:
        merged = {day: (gym.opening_hours or {}).get(day) for day in DAYS}
        for day in DAYS:
            if day in opening_hours:
                span = opening_hours[day]
                merged[day] = None if span is None else [span[0], span[1]]
        gym.opening_hours = merged  # a new dict, so the JSON column is seen as changed
    if public_occupancy is not None:
        gym.public_occupancy = public_occupancy
    if ai_requires_approval is not None:
        gym.ai_requires_approval = ai_requires_approval
    if not isinstance(ai_monthly_budget_usd, Keep):
        gym.ai_monthly_budget_usd = ai_monthly_budget_usd
    session.add(gym)
    session.flush()
    return gym


def _budget(value: object, problems: list[FieldProblem]) -> float | None:
    """A budget in USD, to the cent; a problem (and None) for anything else (text, true, NaN, too much)."""
    low, high = AI_BUDGET_RANGE
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(FieldProblem("aiMonthlyBudgetUsd", AI_BUDGET_MESSAGE))
        return None
    if not low <= value <= high:
        problems.append(FieldProblem("aiMonthlyBudgetUsd", AI_BUDGET_MESSAGE))
        return None
    return round(float(value), 2)
