"""Demo data for `python -m thrust seed`: an admin, 5 trainers, N members and a month of their visits
(and a few members' workout plans: thrust/demo/plans.py).

One module on purpose: the generators (names, memberships, arrivals inside the gym's opening hours)
and the bulk writers share the row layouts and one random stream, which keeps a seed repeatable.
"""

from __future__ import annotations

import math
import re
import sys
import time
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as clock
from random import Random
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlmodel import Session
from tqdm import tqdm

from thrust.analytics import at_risk, rhythm, rollup
from thrust.auth.passwords import password_problems
from thrust.core.security import hash_password
from thrust.core.text import fold, member_search_text
from thrust.core.types import utcnow
from thrust.demo.plans import seed_demo_plans
from thrust.gym.service import DAYS as WEEKDAYS
from thrust.gym.service import valid_timezone
from thrust.models import (
    AIUsageLog,
    AuthSession,
    CheckIn,
    Exercise,
    ExerciseMuscle,
    GymSettings,
    JobRun,
    Member,
    MemberSearchWord,
    MembershipReminder,
    MembershipTier,
    MemberStatus,
    ReminderOptOut,
    Role,
    User,
    VisitRhythm,
    WorkoutPlan,
    WorkoutPlanTemplate,
    WorkoutProgress,
    default_opening_hours,
    table_of,
)
from thrust.planner.catalog_file import load_catalog

ADMIN_EMAIL = "admin@thrust.com"
ADMIN_NAME = "Gym Admin"
DEFAULT_ADMIN_PASSWORD = "Admin123!"
TRAINER_PASSWORD = "Trainer123!"
MEMBER_PASSWORD = "Member123!"

WINDOW_DAYS = 30  # visits cover the 30 days before today, plus today up to now
VISITS_PER_MEMBER = (5, 30)
FROZEN_VISIT_DAYS = 14  # frozen members stopped coming after the window's first two weeks
DRIFTING_SHARE = 0.1  # of the regulars: stopped coming lately (the dashboard's members at risk)
OPEN_VISITS = (15, 40)
OPEN_VISIT_MAX_AGE = timedelta(hours=2)
MIN_VISIT = 30 * 60
MAX_VISIT = 150 * 60

# Fixed, so the demo logins printed by the CLI are the same on every run.
TRAINERS = (
    ("Marcus", "Reid", "+1 415 555 0142"),
    ("Priya", "Sharma", "+91 98200 41733"),
    ("Sofía", "Martínez", "+34 612 448 901"),
    ("Jonas", "Weber", "+49 151 23456789"),
    ("Chloé", "Laurent", "+33 6 12 84 55 07"),
)

# (locale, share of members): accents in de/es/fr names exercise the folded search.
LOCALES = (("en_US", 0.35), ("en_IN", 0.25), ("de_DE", 0.15), ("es_ES", 0.15), ("fr_FR", 0.10))
NAME_POOL_SIZE = 400  # draws per pool; repeats keep Faker's own frequency weighting

STATUS_SHARES = ((MemberStatus.ACTIVE, 0.80), (MemberStatus.INACTIVE, 0.15), (MemberStatus.FROZEN, 0.05))
TIER_SHARES = ((MembershipTier.BASIC, 0.60), (MembershipTier.PREMIUM, 0.30), (MembershipTier.VIP, 0.10))
GENDER_SHARES = (("male", 0.48), ("female", 0.48), ("other", 0.04))
TRAINER_ASSIGNED_SHARE = 0.70

# When people arrive, as a mixture of (weight, mean hour, spread in hours); a None mean is "any time
# the gym is open". Weekdays peak before work, at lunch and after work; weekends are flatter.
WEEKDAY_ARRIVALS = ((0.30, 7.0, 1.0), (0.17, 12.5, 0.6), (0.45, 18.5, 1.3), (0.08, None, None))
WEEKEND_ARRIVALS = ((0.35, 9.5, 1.5), (0.30, 13.0, 1.8), (0.25, 17.0, 1.5), (0.10, None, None))

# is_demo marks what "Remove demo data" deletes: the trainers and members, never the admin.
USER_COLUMNS = ("id", "email", "password_hash", "role", "full_name", "phone", "created_at", "is_demo")
MEMBER_COLUMNS = (
    "id",
    "user_id",
    "full_name",
    "phone",
    "date_of_birth",
    "gender",
    "membership_tier",
    "membership_start",
    "membership_end",
    "status",
    "assigned_trainer_id",
    "search_text",
    "created_at",
    "last_visit_at",
)
CHECK_IN_COLUMNS = ("id", "member_id", "check_in_time", "check_out_time", "created_at")
# Children before parents, so foreign keys never block a reset (the job history goes too: it names
# the admins who ran jobs by hand; the exercise catalog too, with the exercises the staff added, and
# the shipped catalog is loaded again).
RESET_ORDER = (
    CheckIn,
    VisitRhythm,
    WorkoutProgress,
    WorkoutPlan,
    WorkoutPlanTemplate,
    AIUsageLog,
    MembershipReminder,
    ReminderOptOut,
    MemberSearchWord,  # the triggers' words go with their members (TRUNCATE names every referrer)
    Member,
    AuthSession,
    JobRun,
    ExerciseMuscle,
    Exercise,
    User,
)

_NOT_EMAIL = re.compile(r"[^a-z0-9]+")


class DemoDataError(Exception):
    """Seeding cannot go ahead (a non-empty database, a weak admin password, bad gym settings)."""


@dataclass
class SeedReport:
    """What `seed_demo_data` created, for the CLI summary and the benchmark."""

    members: int
    check_ins: int
    open_visits: int
    trainers: int
    trainer_emails: list[str]
    plans: int = 0
    admin_email: str = ADMIN_EMAIL
    admin_password_is_default: bool = True
    gym_open_now: bool = False
    max_capacity: int = 100
    member_example: str | None = None
    elapsed: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class _Day:
    """One day of the visit window, as the gym's local opening hours in seconds after midnight."""

    day: date
    opens: int
    closes: int
    arrivals: tuple[tuple[float, float | None, float | None], ...]
    to_utc: Callable[[int], datetime]


@dataclass
class _Person:
    member_index: int
    status: MemberStatus
    start: date
    end: date


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPasswordHashes:
    """The demo accounts' password hashes, made before the seed's unit of work begins."""

    admin: str
    trainer: str
    member: str


def hash_demo_passwords(admin_password: str | None = None) -> DemoPasswordHashes:
    """Hash the three demo passwords at once (bcrypt releases the GIL): call it outside any transaction."""
    passwords = (admin_password or DEFAULT_ADMIN_PASSWORD, TRAINER_PASSWORD, MEMBER_PASSWORD)
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="seed-bcrypt") as pool:
        return DemoPasswordHashes(*pool.map(hash_password, passwords))


def _hashed(pool: ThreadPoolExecutor, known: str | None, password: str) -> Future[str]:
    if known is not None:
        done: Future[str] = Future()
        done.set_result(known)
        return done
    return pool.submit(hash_password, password)


def seed_demo_data(
    session: Session,
    *,
    members: int = 10_000,
    admin_password: str | None = None,
    reset: bool = False,
    progress: bool = True,
    now: datetime | None = None,
    rng_seed: int | None = None,
    password_hashes: DemoPasswordHashes | None = None,
    timezone: str | None = None,
) -> SeedReport:
    """Fill an empty database with demo staff, members and visits; the caller commits.

    Everything is written in the session's transaction (COPY on PostgreSQL, executemany on SQLite),
    so a failure leaves nothing behind once the caller rolls back. Callers holding a unit of work's
    transaction pass `password_hashes` made before it began (`hash_demo_passwords`). A `timezone`
    (IANA name) becomes the gym's before the visits are laid out in its opening hours.
    """
    started = time.perf_counter()
    stages: dict[str, float] = {}
    if members < 0:
        raise DemoDataError("The number of members cannot be negative")
    if admin_password is not None and (problems := password_problems(admin_password)):
        raise DemoDataError("The admin password is too weak: " + "; ".join(problems))
    now = _as_utc(now or utcnow())
    rng = Random(rng_seed)

    # bcrypt releases the GIL: the three hashes (~0.25 s each) run while we generate rows.
    # One member hash is shared by every member: hashing 10,000 times would take 40 minutes.
    given = password_hashes
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="seed-bcrypt") as pool:
        admin_hash = _hashed(pool, given.admin if given else None, admin_password or DEFAULT_ADMIN_PASSWORD)
        trainer_hash = _hashed(pool, given.trainer if given else None, TRAINER_PASSWORD)
        member_hash = _hashed(pool, given.member if given else None, MEMBER_PASSWORD)

        _make_room(session, reset=reset)
        if timezone is not None:
            _set_gym_timezone(session, timezone)
        zone, hours = _gym_hours(session)
        stages["prepare"] = time.perf_counter() - started

        mark = time.perf_counter()
        staff_rows, trainer_ids, trainer_emails = _staff(now, rng)
        member_users, member_rows, people = _members(members, trainer_ids, zone, now, rng)
        stages["generate members"] = time.perf_counter() - mark

        mark = time.perf_counter()
        days = _window(zone, hours, now)
        today = now.astimezone(zone).date()
        today_hours = _hours_on(hours, today)
        now_seconds = _seconds_after_midnight(now.astimezone(zone))
        gym_open_now = today_hours is not None and today_hours[0] <= now_seconds < today_hours[1]
        open_rows = (
            _open_visits(people, member_rows, zone, today, today_hours, now, rng) if gym_open_now else []
        )
        skip_today = {row[1] for row in open_rows}  # those members' visit today is the open one
        visit_rows = _visits(people, member_rows, days, today, now, skip_today, rng)
        stages["generate check-ins"] = time.perf_counter() - mark

        mark = time.perf_counter()
        staff_rows = [
            (*row[:2], admin_hash.result() if row[3] == Role.ADMIN.value else trainer_hash.result(), *row[3:])
            for row in staff_rows
        ]
        shared_member_hash = member_hash.result()
        stages["wait for bcrypt"] = time.perf_counter() - mark

    mark = time.perf_counter()
    user_rows = staff_rows + [(uid, email, shared_member_hash, *rest) for uid, email, *rest in member_users]
    _write(session, table_of(User), USER_COLUMNS, user_rows, "users", progress)
    stages["write users"] = time.perf_counter() - mark
    mark = time.perf_counter()
    last_visit: dict[Any, datetime] = {}
    for row in (*visit_rows, *open_rows):  # (id, member_id, check_in_time, ...)
        if row[2] > last_visit.get(row[1], row[2] - timedelta(seconds=1)):
            last_visit[row[1]] = row[2]
    member_rows = [(*row, last_visit.get(row[0])) for row in member_rows]
    _write(session, table_of(Member), MEMBER_COLUMNS, member_rows, "members", progress)
    stages["write members"] = time.perf_counter() - mark
    mark = time.perf_counter()
    _write(session, table_of(CheckIn), CHECK_IN_COLUMNS, visit_rows + open_rows, "check-ins", progress)
    stages["write check-ins"] = time.perf_counter() - mark
    mark = time.perf_counter()
    # Last from the random stream, so the members and visits stay what the same seed always made.
    plans = seed_demo_plans(session, member_rows, member_users, trainer_ids, now=now, zone=zone, rng=rng)
    stages["write plans"] = time.perf_counter() - mark
    max_capacity = _size_gym_for(session, visit_rows)
    mark = time.perf_counter()
    # The dashboard's past summed up now, not at the roll-up job's next quarter hour (from the first
    # visit: a reset leaves the roll-up of the wiped visits behind) nor at the rhythms' next night.
    rollup.reset(session)
    rollup.advance(session, now=now)
    rhythm.count(session, now=now)
    stages["dashboard roll-ups"] = time.perf_counter() - mark

    return SeedReport(
        members=len(member_rows),
        check_ins=len(visit_rows) + len(open_rows),
        open_visits=len(open_rows),
        trainers=len(trainer_ids),
        plans=plans,
        trainer_emails=trainer_emails,
        admin_password_is_default=admin_password is None,
        gym_open_now=gym_open_now,
        max_capacity=max_capacity,
        member_example=member_users[0][1] if member_users else None,
        elapsed=time.perf_counter() - started,
        stage_seconds=stages,
    )


def peak_occupancy(visit_rows: Sequence[tuple[Any, ...]]) -> int:
    """The most visits open at the same moment (rows as written: id, member, in, out, created)."""
    moments = sorted(
        [(row[2], 1) for row in visit_rows] + [(row[3], -1) for row in visit_rows if row[3] is not None],
        key=lambda moment: (moment[0], moment[1]),  # a leave before an arrival at the same second
    )
    inside = peak = 0
    for _, step in moments:
        inside += step
        peak = max(peak, inside)
    return peak


def _size_gym_for(session: Session, visit_rows: Sequence[tuple[Any, ...]]) -> int:
    """Raise the gym's capacity to fit the demo's busiest hour (10,000 members fill far more than 100)."""
    needed = math.ceil(peak_occupancy(visit_rows) * 1.1 / 50) * 50
    gym = table_of(GymSettings)
    current = int(session.execute(sa.select(gym.c.max_capacity).where(gym.c.id == 1)).scalar_one())
    if needed > current:
        session.execute(sa.update(gym).where(gym.c.id == 1).values(max_capacity=needed))
        return needed
    return current


def count_users(session: Session) -> int:
    """How many user accounts the database holds (seeding refuses to run unless it is none)."""
    return int(session.execute(sa.select(sa.func.count()).select_from(table_of(User))).scalar_one())


def _make_room(session: Session, *, reset: bool) -> None:
    existing = count_users(session)
    if existing and not reset:
        raise DemoDataError(f"The database already has {existing} users; pass --reset to wipe it")
    if not reset:
        return
    # gym_settings (row id 1, made by the migration) stays: it is configuration, not demo data.
    tables = [table_of(model).name for model in RESET_ORDER]
    if session.connection().dialect.name == "postgresql":
        # TRUNCATE is far faster than DELETE with the foreign-key checks of 175k visits, is
        # transactional too, and refuses (rather than silently empties) any other referencing table.
        session.execute(sa.text(f"TRUNCATE {', '.join(tables)}"))
    else:
        for model in RESET_ORDER:
            session.execute(sa.delete(table_of(model)))
    load_catalog(session.connection())


def _as_utc(moment: datetime) -> datetime:
    # A naive `now` can only sensibly mean UTC here; local server time would shift every visit.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --------------------------------------------------------------------------------------------
# Gym hours
# --------------------------------------------------------------------------------------------


def _set_gym_timezone(session: Session, name: str) -> None:
    if not valid_timezone(name):  # the settings form's own rule
        raise DemoDataError(f"{name!r} is not a known IANA time zone (e.g. Europe/Berlin)")
    gym = table_of(GymSettings)
    session.execute(sa.update(gym).where(gym.c.id == 1).values(timezone=name))


def _gym_hours(session: Session) -> tuple[tzinfo, dict[str, Any]]:
    row = session.execute(
        sa.select(table_of(GymSettings).c.timezone, table_of(GymSettings).c.opening_hours).where(
            table_of(GymSettings).c.id == 1
        )
    ).first()
    zone_name, hours = (row[0], row[1]) if row is not None else ("UTC", default_opening_hours())
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DemoDataError(f"The gym's timezone {zone_name!r} is not a known IANA zone") from None
    for key in WEEKDAYS:
        _parse_hours(hours.get(key), key)  # fail early on malformed settings
    return zone, hours


def _parse_hours(value: Any, key: str) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        opens, closes = (_clock_seconds(part) for part in value)
    except (TypeError, ValueError):
        raise DemoDataError(f"The gym's opening hours for {key!r} are malformed: {value!r}") from None
    # A closing time at or before opening reads as "until midnight": the demo does not model
    # visits that cross midnight.
    return opens, closes if closes > opens else 24 * 3600


def _clock_seconds(text: str) -> int:
    hours, minutes = text.split(":")
    seconds = int(hours) * 3600 + int(minutes) * 60
    if not 0 <= seconds <= 24 * 3600:
        raise ValueError(text)
    return seconds


def _hours_on(hours: dict[str, Any], day: date) -> tuple[int, int] | None:
    key = WEEKDAYS[day.weekday()]
    return _parse_hours(hours.get(key), key)


def _seconds_after_midnight(moment: datetime) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _local_to_utc(zone: tzinfo, day: date) -> Callable[[int], datetime]:
    """A fast converter of seconds-after-local-midnight on `day` to aware UTC datetimes."""
    midnight = datetime.combine(day, clock(), zone)
    next_midnight = datetime.combine(day + timedelta(days=1), clock(), zone)
    if midnight.utcoffset() == next_midnight.utcoffset() == (midnight + timedelta(hours=12)).utcoffset():
        base = midnight.astimezone(UTC)
        return lambda seconds: base + timedelta(seconds=seconds)
    # A daylight-saving change falls on this day: convert each time properly.
    return lambda seconds: (midnight + timedelta(seconds=seconds)).astimezone(UTC)


def _window(zone: tzinfo, hours: dict[str, Any], now: datetime) -> list[_Day]:
    today = now.astimezone(zone).date()
    days = []
    for back in range(WINDOW_DAYS, -1, -1):
        day = today - timedelta(days=back)
        opening = _hours_on(hours, day)
        if opening is None:
            continue  # closed all day
        arrivals = WEEKEND_ARRIVALS if day.weekday() >= 5 else WEEKDAY_ARRIVALS
        days.append(_Day(day, opening[0], opening[1], arrivals, _local_to_utc(zone, day)))
    return days


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


def _email_part(name: str) -> str:
    return _NOT_EMAIL.sub("", fold(name))


def _staff(now: datetime, rng: Random) -> tuple[list[tuple[Any, ...]], list[uuid.UUID], list[str]]:
    """Admin and trainer rows in USER_COLUMNS order, the hash slot holding None until bcrypt is done."""
    joined = now - timedelta(days=400)
    rows: list[tuple[Any, ...]] = [
        (_uuid(rng), ADMIN_EMAIL, None, Role.ADMIN.value, ADMIN_NAME, None, joined, False),
    ]
    trainer_ids, emails = [], []
    for first, last, phone in TRAINERS:
        trainer_id = _uuid(rng)
        email = f"{_email_part(first)}.{_email_part(last)}@thrust.com"
        rows.append((trainer_id, email, None, Role.TRAINER.value, f"{first} {last}", phone, joined, True))
        trainer_ids.append(trainer_id)
        emails.append(email)
    return rows, trainer_ids, emails


def _name_pools(rng: Random) -> list[tuple[list[str], list[str], list[str]]]:
    """(male first names, female first names, last names) per locale, drawn from Faker once."""
    from faker import Faker  # imported here: it is slow to import and only seeding needs it

    pools = []
    for locale, _share in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(rng.getrandbits(32))
        pools.append(
            (
                [fake.first_name_male() for _ in range(NAME_POOL_SIZE)],
                [fake.first_name_female() for _ in range(NAME_POOL_SIZE)],
                [fake.last_name() for _ in range(NAME_POOL_SIZE)],
            )
        )
    return pools


def _digits(rng: Random, count: int) -> str:
    return str(rng.randrange(10**count)).zfill(count)


def _phone(locale: str, rng: Random) -> str:
    """A plausible mobile number for the locale, grouped the way people write them."""
    if locale == "en_IN":
        return f"+91 {rng.choice('6789')}{_digits(rng, 4)} {_digits(rng, 5)}"
    if locale == "de_DE":
        return f"+49 {rng.choice(('151', '152', '157', '160', '170', '171', '176'))} {_digits(rng, 8)}"
    if locale == "es_ES":
        return f"+34 6{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}"
    if locale == "fr_FR":
        return (
            f"+33 {rng.choice('67')} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}"
        )
    area = rng.choice(("212", "303", "312", "404", "415", "512", "617", "702", "206", "305"))
    return f"+1 {area} 555 {_digits(rng, 4)}"


def _uuid(rng: Random) -> uuid.UUID:
    # Drawn from the seeded generator so that a fixed rng_seed reproduces the same ids.
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _pick(shares: Sequence[tuple[Any, float]], roll: float) -> Any:
    for value, share in shares:
        roll -= share
        if roll < 0:
            return value
    return shares[-1][0]


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last_day in (day.day, 30, 29, 28):  # clamp 31 Jan + 1 month to the end of February
        try:
            return day.replace(year=year, month=month, day=min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _membership(status: MemberStatus, today: date, rng: Random) -> tuple[date, date]:
    """(start, end) of a 3 to 12 month membership whose dates agree with the status."""
    months = rng.randint(3, 12)
    length = (_add_months(today, months) - today).days
    if status == MemberStatus.INACTIVE:
        end = today - timedelta(days=rng.randint(1, 25))
    elif status == MemberStatus.FROZEN:
        # Paid up into the future, but started before the window (they came, then paused).
        end = today + timedelta(days=rng.randint(7, max(8, length - WINDOW_DAYS - 1)))
    else:
        end = today + timedelta(days=rng.randint(1, length - 1))
    start = min(_add_months(end, -months), today)
    return start, end


def _birth_date(today: date, rng: Random) -> date:
    roll = rng.random()
    if roll < 0.70:
        age = rng.randint(20, 45)
    elif roll < 0.80:
        age = rng.randint(16, 19)
    else:
        age = rng.randint(46, 70)
    return today - timedelta(days=int(age * 365.25) + rng.randrange(365))


def _members(
    count: int, trainer_ids: list[uuid.UUID], zone: tzinfo, now: datetime, rng: Random
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[_Person]]:
    """Member users (without hash), member rows (MEMBER_COLUMNS order) and what visits need to know."""
    pools = _name_pools(rng)
    locales = [locale for locale, _ in LOCALES]
    locale_shares = list(zip(range(len(LOCALES)), (share for _, share in LOCALES), strict=True))
    today = now.astimezone(zone).date()
    email_parts: dict[str, str] = {}
    users, rows, people = [], [], []
    for n in range(count):
        which = _pick(locale_shares, rng.random())
        male, female, last_names = pools[which]
        gender = _pick(GENDER_SHARES, rng.random())
        first_pool = (
            male if gender == "male" else female if gender == "female" else rng.choice((male, female))
        )
        first, last = rng.choice(first_pool), rng.choice(last_names)
        full_name = f"{first} {last}"
        first_part = email_parts.get(first) or email_parts.setdefault(first, _email_part(first) or "member")
        last_part = email_parts.get(last) or email_parts.setdefault(last, _email_part(last) or "thrust")
        email = f"{first_part}.{last_part}.{n + 1}@example.com"
        phone = _phone(locales[which], rng)
        status = _pick(STATUS_SHARES, rng.random())
        start, end = _membership(status, today, rng)
        joined = min(
            datetime.combine(start, clock(rng.randint(7, 20), rng.randrange(60)), zone).astimezone(UTC), now
        )
        user_id, member_id = _uuid(rng), _uuid(rng)
        trainer = rng.choice(trainer_ids) if rng.random() < TRAINER_ASSIGNED_SHARE else None
        users.append((user_id, email, Role.MEMBER.value, full_name, None, joined, True))
        rows.append(
            (
                member_id,
                user_id,
                full_name,
                phone,
                _birth_date(today, rng),
                gender,
                _pick(TIER_SHARES, rng.random()).value,
                start,
                end,
                status.value,
                trainer,
                member_search_text(full_name, email, phone),
                joined,
            )
        )
        people.append(_Person(n, status, start, end))
    return users, rows, people


# --------------------------------------------------------------------------------------------
# Visits
# --------------------------------------------------------------------------------------------


def _visit_length(rng: Random) -> int:
    """Seconds: most sessions last an hour or a little more, some are quick, a few very long."""
    roll = rng.random()
    if roll < 0.75:
        minutes = min(max(rng.gauss(68, 5), 55), 85)
    elif roll < 0.90:
        minutes = rng.uniform(30, 55)
    else:
        minutes = rng.uniform(85, 150)
    return int(minutes * 60)


def _arrival(day: _Day, rng: Random) -> int:
    """Seconds after midnight at which someone walks in, drawn from the day's arrival mixture."""
    roll = rng.random()
    component = day.arrivals[-1]
    for candidate in day.arrivals:
        roll -= candidate[0]
        if roll < 0:
            component = candidate
            break
    _weight, mean, spread = component
    if mean is None or spread is None:
        return rng.randrange(day.opens, day.closes)
    return int(rng.gauss(mean, spread) * 3600)


def _visit_on(day: _Day, rng: Random) -> tuple[int, int]:
    """(arrival, length) in seconds, entirely inside the day's opening hours."""
    span = day.closes - day.opens
    for _ in range(6):
        length = min(_visit_length(rng), span)
        arrival = _arrival(day, rng)
        if arrival >= day.opens and arrival + length <= day.closes:
            return arrival, length
    # A peak the gym's hours cut off (say, mornings at a gym opening at noon): any time that fits.
    length = min(_visit_length(rng), span)
    return day.opens + rng.randrange(span - length + 1), length


def _visits(
    people: list[_Person],
    member_rows: list[tuple[Any, ...]],
    days: list[_Day],
    today: date,
    now: datetime,
    skip_today: set[uuid.UUID],
    rng: Random,
) -> list[tuple[Any, ...]]:
    """Closed visits in CHECK_IN_COLUMNS order: at most one a day per member, so none overlap."""
    dates = [d.day for d in days]
    frozen_until = today - timedelta(days=WINDOW_DAYS - FROZEN_VISIT_DAYS + 1)
    rows = []
    for person in people:
        member_id = member_rows[person.member_index][0]
        last = today
        if person.status == MemberStatus.INACTIVE:
            last = person.end
        elif person.status == MemberStatus.FROZEN:
            last = frozen_until
        if member_id in skip_today and last >= today:
            last = today - timedelta(days=1)
        # Nobody visits before joining; members who joined within the window visit fewer days.
        eligible = days[bisect_left(dates, person.start) : bisect_right(dates, last)]
        wanted = min(rng.randint(*VISITS_PER_MEMBER), len(eligible))
        chosen = rng.sample(eligible, wanted)
        kept = _drifting_away(person, member_id, chosen, today)
        for day in chosen:
            arrival, length = _visit_on(day, rng)  # drawn for every day, so the rest stays as it was
            check_in = day.to_utc(arrival)
            check_out = day.to_utc(arrival + length)
            if check_out > now or day.day not in kept:
                continue  # today's later visits have not happened yet
            rows.append((_uuid(rng), member_id, check_in, check_out, check_in))
    return rows


def _drifting_away(person: _Person, member_id: uuid.UUID, chosen: list[_Day], today: date) -> set[date]:
    """The days a member really came. A few regulars (DRIFTING_SHARE, picked from their id so the rest of
    the demo stays the same) stopped coming in the last two weeks, as members do before they cancel:
    the dashboard's "members at risk" has someone to show."""
    days = {d.day for d in chosen}
    recent_from = today - timedelta(days=at_risk.RECENT_DAYS - 1)
    before = sorted(day for day in days if day < recent_from)
    if (
        person.status != MemberStatus.ACTIVE
        or len(before) < at_risk.MIN_USUAL_VISITS
        or Random(member_id.int).random() >= DRIFTING_SHARE
    ):
        return days
    recent = sorted(day for day in days if day >= recent_from)
    # One last visit at the start of the fortnight for the most regular, none for the others.
    return set(before) | set(recent[:1] if len(before) >= 3 * at_risk.MIN_USUAL_VISITS // 2 else [])


def _open_visits(
    people: list[_Person],
    member_rows: list[tuple[Any, ...]],
    zone: tzinfo,
    today: date,
    today_hours: tuple[int, int] | None,
    now: datetime,
    rng: Random,
) -> list[tuple[Any, ...]]:
    """15 to 40 active members in the gym right now: arrived in the last 2 hours, after opening."""
    if today_hours is None:
        return []
    active = [p for p in people if p.status == MemberStatus.ACTIVE and p.start <= today]
    opened = _local_to_utc(zone, today)(today_hours[0])
    earliest = max(now - OPEN_VISIT_MAX_AGE, opened)
    window = max((now - earliest).total_seconds(), 0)
    rows = []
    # A small demo club gets a handful in proportion, not a third of its members at once.
    wanted = min(rng.randint(*OPEN_VISITS), max(3, len(people) // 50))
    for person in rng.sample(active, min(wanted, len(active))):
        check_in = earliest + timedelta(seconds=int(rng.random() * window))
        rows.append((_uuid(rng), member_rows[person.member_index][0], check_in, None, check_in))
    return rows


# --------------------------------------------------------------------------------------------
# Bulk writes
# --------------------------------------------------------------------------------------------

CHUNK = 5_000


def _bar(total: int, stage: str, progress: bool) -> tqdm:
    return tqdm(total=total, desc=f"{stage:<9}", unit=" rows", file=sys.stderr, disable=not progress)


Rows = list[tuple[Any, ...]]


def _write(
    session: Session,
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    stage: str,
    progress: bool,
) -> None:
    """Write `rows` in chunks inside the session's transaction, with a progress bar."""
    rows = list(rows)
    with _bar(len(rows), stage, progress) as bar, _chunk_writer(session, table, columns) as write_chunk:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            write_chunk(chunk)
            bar.update(len(chunk))


@contextmanager
def _chunk_writer(
    session: Session, table: sa.Table, columns: Sequence[str]
) -> Iterator[Callable[[Rows], object]]:
    """PostgreSQL: stream rows through COPY on the session's own connection. SQLite (and any other
    engine): Core executemany."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        insert = table.insert()
        yield lambda chunk: connection.execute(
            insert, [dict(zip(columns, row, strict=True)) for row in chunk]
        )
        return
    driver = connection.connection.driver_connection
    assert driver is not None  # a live connection always has its psycopg connection
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"  # our own identifiers only
    with driver.cursor() as cursor, cursor.copy(statement) as copy:

        def copy_chunk(chunk: Rows) -> None:
            for row in chunk:
                copy.write_row(row)

        yield copy_chunk
