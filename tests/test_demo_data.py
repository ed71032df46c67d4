"""Demo data (`seed_demo_data`) on both engines, and the `seed` / `create-admin` commands end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

import thrust.demo_data as demo_data
from tests.conftest import ROOT, migrate
from thrust.analytics.at_risk import at_risk
from thrust.auth.rbac import Actor
from thrust.core.db import build_engine
from thrust.core.security import hash_password, verify_password
from thrust.core.text import fold
from thrust.demo_data import (
    ADMIN_EMAIL,
    DEFAULT_ADMIN_PASSWORD,
    MEMBER_PASSWORD,
    TRAINER_PASSWORD,
    DemoDataError,
    SeedReport,
    peak_occupancy,
    seed_demo_data,
)
from thrust.models import CheckIn, Exercise, ExerciseMuscle, GymSettings, Member, MemberStatus, Role, User
from thrust.planner import catalog
from thrust.planner.catalog_file import read_catalog

N = 200
SEED = 20261125
OPEN_NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)  # a Wednesday evening: the gym is open
CLOSED_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # the same Wednesday at 02:00: closed
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
GOOD_PASSWORD = "Tr4in-the-Grip!"


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """4 bcrypt rounds instead of 12 for in-process seeding: same hashes to verify, 60x cheaper."""
    monkeypatch.setattr(demo_data, "hash_password", lambda password: hash_password(password, rounds=4))


def _seed(db: Session, **kwargs: object) -> SeedReport:
    options: dict[str, object] = {"members": N, "progress": False, "now": OPEN_NOW, "rng_seed": SEED}
    options.update(kwargs)
    return seed_demo_data(db, **options)  # type: ignore[arg-type]  # the options pass through unchanged


def _gym(db: Session) -> tuple[ZoneInfo, dict[str, list[str] | None]]:
    gym = db.exec(select(GymSettings).where(GymSettings.id == 1)).one()
    return ZoneInfo(gym.timezone), gym.opening_hours


def _seconds(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def _local_seconds(moment: datetime, zone: ZoneInfo) -> tuple[date, int]:
    local = moment.astimezone(zone)
    return local.date(), local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6


def _assert_inside_opening_hours(db: Session, now: datetime) -> None:
    zone, hours = _gym(db)
    visits = db.exec(select(CheckIn)).all()
    assert visits
    for visit in visits:
        day, arrived = _local_seconds(visit.check_in_time, zone)
        opening = hours[DAY_KEYS[day.weekday()]]
        assert opening is not None, f"visit on a closed day: {visit.check_in_time}"
        opens, closes = _seconds(opening[0]), _seconds(opening[1])
        assert arrived >= opens
        assert visit.check_in_time <= now
        if visit.check_out_time is not None:
            left_day, left = _local_seconds(visit.check_out_time, zone)
            assert left_day == day and left <= closes
            assert visit.check_in_time < visit.check_out_time <= now
            minutes = (visit.check_out_time - visit.check_in_time).total_seconds() / 60
            assert 30 <= minutes <= 150


# --------------------------------------------------------------------------------------------
# seed_demo_data, on both engines
# --------------------------------------------------------------------------------------------


def test_seed_creates_staff_members_and_a_month_of_visits(db: Session) -> None:
    report = _seed(db)

    roles = dict(db.execute(sa.select(User.role, sa.func.count()).group_by(User.role)).all())
    assert roles == {Role.ADMIN: 1, Role.TRAINER: 5, Role.MEMBER: N}
    assert db.execute(sa.select(sa.func.count()).select_from(Member)).scalar_one() == N
    visits = db.execute(sa.select(sa.func.count()).select_from(CheckIn)).scalar_one()
    assert 5 * N <= visits <= 30 * N
    assert (report.members, report.trainers, report.check_ins) == (N, 5, visits)
    assert set(report.trainer_emails) == set(db.exec(select(User.email).where(User.role == Role.TRAINER)))
    assert all(email.endswith("@thrust.com") and email.isascii() for email in report.trainer_emails)

    emails = db.exec(select(User.email).where(User.role == Role.MEMBER)).all()
    assert len(set(emails)) == N
    assert all(email == email.lower() and email.isascii() for email in emails)

    # Every member's user account is a MEMBER login; trainers are assigned to most of them.
    members = db.exec(select(Member)).all()
    member_users = {u.id: u for u in db.exec(select(User).where(User.role == Role.MEMBER)).all()}
    assert {m.user_id for m in members} == set(member_users)
    assigned = sum(m.assigned_trainer_id is not None for m in members)
    assert 0.5 * N < assigned < 0.9 * N


def test_member_profiles_are_consistent(db: Session) -> None:
    _seed(db)
    today = OPEN_NOW.date()  # the default gym zone is UTC
    members = db.exec(select(Member)).all()
    statuses = defaultdict(int)
    for m in members:
        statuses[m.status] += 1
        assert m.membership_start <= m.membership_end
        assert 80 <= (m.membership_end - m.membership_start).days <= 370  # 3 to 12 months
        if m.status == MemberStatus.INACTIVE:
            assert today - timedelta(days=25) <= m.membership_end < today
        else:
            assert m.membership_end > today
        age = (today - m.date_of_birth).days / 365.25
        assert 16 <= age < 71
        assert m.gender in {"male", "female", "other"}
        assert m.phone and m.phone.startswith("+")
        assert fold(m.full_name) in m.search_text
    assert statuses[MemberStatus.ACTIVE] > 0.7 * N
    assert 0.05 * N < statuses[MemberStatus.INACTIVE] < 0.25 * N
    assert statuses[MemberStatus.FROZEN] > 0
    # A mix of locales: some names carry accents, and the search key holds them folded.
    accented = [m for m in members if fold(m.full_name) != m.full_name.lower()]
    assert accented
    assert all(m.full_name.lower() not in m.search_text for m in accented)


def test_visits_respect_opening_hours_and_never_overlap(db: Session) -> None:
    _seed(db)
    _assert_inside_opening_hours(db, OPEN_NOW)

    members = {m.id: m for m in db.exec(select(Member)).all()}
    by_member: dict[object, list[CheckIn]] = defaultdict(list)
    for visit in db.exec(select(CheckIn).order_by(CheckIn.check_in_time)).all():
        by_member[visit.member_id].append(visit)
    window_start = OPEN_NOW.date() - timedelta(days=30)
    for member_id, visits in by_member.items():
        member = members[member_id]
        for earlier, later in pairwise(visits):
            assert earlier.check_out_time is not None and earlier.check_out_time <= later.check_in_time
        for visit in visits:
            day = visit.check_in_time.date()
            assert window_start <= day <= OPEN_NOW.date()
            assert day >= member.membership_start
            if member.status == MemberStatus.INACTIVE:
                assert day <= member.membership_end
            if member.status == MemberStatus.FROZEN:
                assert day < window_start + timedelta(days=14)


def test_a_handful_are_in_the_gym_now(db: Session) -> None:
    report = _seed(db)
    assert report.gym_open_now
    open_visits = db.exec(select(CheckIn).where(CheckIn.check_out_time.is_(None))).all()  # type: ignore[union-attr]  # SQLModel types a column as its Python value
    # A small club gets a handful in proportion to its size (the full demo gets 15-40).
    assert 3 <= len(open_visits) <= max(3, N // 50) and report.open_visits == len(open_visits)
    assert len({v.member_id for v in open_visits}) == len(open_visits)
    for visit in open_visits:
        assert OPEN_NOW - timedelta(hours=2) <= visit.check_in_time <= OPEN_NOW
        assert db.get(Member, visit.member_id).status == MemberStatus.ACTIVE  # type: ignore[union-attr]  # the row exists: the visit points at it


def test_nobody_is_in_a_closed_gym(db: Session) -> None:
    report = _seed(db, now=CLOSED_NOW)
    assert not report.gym_open_now and report.open_visits == 0
    assert db.exec(select(CheckIn).where(CheckIn.check_out_time.is_(None))).all() == []  # type: ignore[union-attr]  # SQLModel types a column as its Python value
    _assert_inside_opening_hours(db, CLOSED_NOW)


def test_a_timezone_given_to_the_seed_becomes_the_gyms_and_lays_out_the_visits(db: Session) -> None:
    # 02:00 UTC is closed in London but 13:00 in Sydney (UTC+11 in November): people are inside.
    report = _seed(db, now=CLOSED_NOW, timezone="Australia/Sydney")
    assert db.exec(select(GymSettings.timezone).where(GymSettings.id == 1)).one() == "Australia/Sydney"
    assert report.gym_open_now and report.open_visits > 0
    _assert_inside_opening_hours(db, CLOSED_NOW)


def test_an_unknown_timezone_stops_the_seed_before_anything_is_written(db: Session) -> None:
    with pytest.raises(DemoDataError, match="'Mars/Olympus' is not a known IANA time zone"):
        _seed(db, timezone="Mars/Olympus")
    assert db.exec(select(GymSettings.timezone).where(GymSettings.id == 1)).one() == "UTC"
    assert db.exec(select(User)).all() == []


def test_local_opening_hours_in_the_gyms_timezone(db: Session) -> None:
    # 09:00-20:00 in India (UTC+05:30), closed on Sundays: nothing may fall outside, in local time.
    gym = db.get(GymSettings, 1)
    assert gym is not None
    gym.timezone = "Asia/Kolkata"
    gym.opening_hours = {key: ["09:00", "20:00"] for key in DAY_KEYS} | {"sun": None}
    db.add(gym)
    db.flush()
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # 17:30 in Kolkata: open
    report = _seed(db, now=now, members=60)
    assert report.gym_open_now and report.open_visits > 0
    _assert_inside_opening_hours(db, now)
    zone = ZoneInfo("Asia/Kolkata")
    opened = datetime(2026, 11, 25, 9, 0, tzinfo=zone)
    for visit in db.exec(select(CheckIn).where(CheckIn.check_out_time.is_(None))).all():  # type: ignore[union-attr]  # SQLModel types a column as its Python value
        assert visit.check_in_time >= opened


def test_refuses_a_database_with_users_unless_reset(db: Session) -> None:
    _seed(db, members=20)
    with pytest.raises(DemoDataError, match=r"already has 26 users; pass --reset to wipe it"):
        _seed(db, members=20)

    coach = db.exec(select(User).where(User.role == Role.TRAINER)).first()
    assert coach is not None
    catalog.create_custom(
        db,
        Actor(coach.id, coach.email, coach.role),
        {"name": "Viking Press", "level": "beginner", "category": "strength", "equipment": "barbell",
         "primaryMuscles": ["shoulders"]},
    )  # fmt: skip

    report = _seed(db, members=30, reset=True)
    assert report.members == 30
    assert db.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 36
    assert db.execute(sa.select(sa.func.count()).select_from(Member)).scalar_one() == 30
    assert db.get(GymSettings, 1) is not None  # configuration survives a reset
    # The exercises the staff added go with them; the shipped catalog stays whole.
    exercises = db.exec(select(Exercise.is_custom, sa.func.count()).group_by(Exercise.is_custom)).all()
    assert exercises == [(False, 873)]
    muscles = db.execute(sa.select(sa.func.count()).select_from(ExerciseMuscle)).scalar_one()
    assert muscles == sum(len(set(e.primary_muscles) | set(e.secondary_muscles)) for e in read_catalog())


def test_demo_passwords_verify(db: Session) -> None:
    _seed(db, members=10)
    by_role = {role: db.exec(select(User).where(User.role == role)).first() for role in Role}
    admin = db.exec(select(User).where(User.email == ADMIN_EMAIL)).one()
    assert admin.role == Role.ADMIN and admin.full_name == "Gym Admin"
    assert verify_password(DEFAULT_ADMIN_PASSWORD, admin.password_hash)
    assert verify_password(TRAINER_PASSWORD, by_role[Role.TRAINER].password_hash)  # type: ignore[union-attr]  # demo accounts always have a password
    assert verify_password(MEMBER_PASSWORD, by_role[Role.MEMBER].password_hash)  # type: ignore[union-attr]  # demo accounts always have a password
    assert not verify_password(MEMBER_PASSWORD, admin.password_hash)


def test_custom_admin_password_and_weak_one(db: Session) -> None:
    with pytest.raises(DemoDataError, match="too weak"):
        _seed(db, members=5, admin_password="password")
    report = _seed(db, members=5, admin_password=GOOD_PASSWORD)
    assert not report.admin_password_is_default
    admin = db.exec(select(User).where(User.email == ADMIN_EMAIL)).one()
    assert verify_password(GOOD_PASSWORD, admin.password_hash)
    assert not verify_password(DEFAULT_ADMIN_PASSWORD, admin.password_hash)


def test_same_seed_same_data(db: Session) -> None:
    _seed(db, members=15)
    first = db.exec(select(Member.full_name).order_by(Member.id)).all()
    _seed(db, members=15, reset=True)
    assert db.exec(select(Member.full_name).order_by(Member.id)).all() == first


# --------------------------------------------------------------------------------------------
# The command line, as a user runs it (SQLite file, real subprocess)
# --------------------------------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = build_engine(url)
    migrate(engine)
    engine.dispose()
    return url


def _thrust(
    url: str, tmp_path: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("THRUST_")}
    environment |= {
        "DATABASE_URL": url,
        "THRUST_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "thrust", *args],
        cwd=ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _users(url: str) -> dict[str, User]:
    engine = build_engine(url)
    try:
        with Session(engine) as session:
            return {user.email: user for user in session.exec(select(User)).all()}
    finally:
        engine.dispose()


def test_cli_seed_then_refuse_then_if_empty(cli_db: str, tmp_path: Path) -> None:
    first = _thrust(cli_db, tmp_path, "seed", "--members", "50", "--no-progress")
    assert first.returncode == 0, first.stderr
    assert ADMIN_EMAIL in first.stdout and DEFAULT_ADMIN_PASSWORD in first.stdout
    assert "marcus.reid@thrust.com" in first.stdout and TRAINER_PASSWORD in first.stdout
    assert MEMBER_PASSWORD in first.stdout
    assert "warning:" in first.stderr and "change it" in first.stderr
    assert len(_users(cli_db)) == 56

    again = _thrust(cli_db, tmp_path, "seed", "--members", "50", "--no-progress")
    assert again.returncode != 0
    assert again.stderr.strip() == "error: The database already has 56 users; pass --reset to wipe it"
    assert "Traceback" not in again.stderr + again.stdout

    if_empty = _thrust(cli_db, tmp_path, "seed", "--if-empty", "--no-progress")
    assert if_empty.returncode == 0, if_empty.stderr
    assert "not seeding" in if_empty.stdout
    assert len(_users(cli_db)) == 56


def test_cli_seed_uses_thrust_admin_password(cli_db: str, tmp_path: Path) -> None:
    weak = _thrust(
        cli_db, tmp_path, "seed", "--members", "5", "--no-progress", env={"THRUST_ADMIN_PASSWORD": "admin"}
    )
    assert weak.returncode == 1
    assert weak.stderr.startswith("error: THRUST_ADMIN_PASSWORD: Password must be at least 8 characters")
    assert len(weak.stderr.strip().splitlines()) == 1
    assert _users(cli_db) == {}

    done = _thrust(
        cli_db,
        tmp_path,
        "seed",
        "--members",
        "5",
        "--no-progress",
        env={"THRUST_ADMIN_PASSWORD": GOOD_PASSWORD},
    )
    assert done.returncode == 0, done.stderr
    assert "warning:" not in done.stderr and GOOD_PASSWORD not in done.stdout
    admin = _users(cli_db)[ADMIN_EMAIL]
    assert verify_password(GOOD_PASSWORD, admin.password_hash)


def test_cli_seed_with_a_bad_timezone_says_so_in_one_line(cli_db: str, tmp_path: Path) -> None:
    result = _thrust(cli_db, tmp_path, "seed", "--members", "5", "--no-progress", "--timezone", "Nowhere")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: 'Nowhere' is not a known IANA time zone (e.g. Europe/Berlin)"
    assert _users(cli_db) == {}


def test_cli_seed_on_an_unmigrated_database(tmp_path: Path) -> None:
    result = _thrust(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path, "seed", "--no-progress")
    assert result.returncode == 1
    assert result.stderr.startswith("error: the database has no THRUST tables yet")
    assert "Traceback" not in result.stderr


def test_cli_create_admin(cli_db: str, tmp_path: Path) -> None:
    weak = _thrust(
        cli_db, tmp_path, "create-admin", "--email", "x@y.com", "--password-stdin", stdin="password\n"
    )
    assert weak.returncode == 1
    assert "error: Password must contain at least one uppercase letter" in weak.stderr
    assert "error: Password must contain at least one number" in weak.stderr
    assert "Traceback" not in weak.stderr
    assert _users(cli_db) == {}

    bad_email = _thrust(
        cli_db, tmp_path, "create-admin", "--email", "not-an-email", "--password-stdin", stdin="x\n"
    )
    assert bad_email.returncode == 1 and bad_email.stderr.startswith("error: ")

    created = _thrust(
        cli_db,
        tmp_path,
        "create-admin",
        "--email",
        "X@Y.com",
        "--name",
        "Front Desk Lead",
        "--password-stdin",
        stdin=GOOD_PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    user = _users(cli_db)["x@y.com"]
    assert user.role == Role.ADMIN and user.full_name == "Front Desk Lead"
    assert verify_password(GOOD_PASSWORD, user.password_hash)

    taken = _thrust(
        cli_db, tmp_path, "create-admin", "--email", "x@y.com", "--password-stdin", stdin=GOOD_PASSWORD
    )
    assert taken.returncode == 1
    assert "already exists" in taken.stderr and "Traceback" not in taken.stderr


def test_peak_occupancy_counts_overlapping_visits() -> None:
    t = datetime(2026, 11, 18, 7, tzinfo=UTC)
    rows = [
        (None, None, t, t + timedelta(hours=1), t),
        (None, None, t + timedelta(minutes=30), t + timedelta(hours=2), t),
        (None, None, t + timedelta(hours=1), t + timedelta(hours=3), t),  # arrives as the first leaves
        (None, None, t + timedelta(hours=5), None, t),
    ]
    assert peak_occupancy(rows) == 2


def test_the_demo_gym_is_sized_for_its_busiest_hour(db: Session) -> None:
    report = _seed(db, members=2_000)
    gym = db.exec(select(GymSettings)).one()
    assert gym.max_capacity == report.max_capacity
    visits = db.exec(select(CheckIn.check_in_time, CheckIn.check_out_time)).all()
    peak = peak_occupancy([(None, None, i, o, None) for i, o in visits if o is not None])
    # Never overflowing in the history, and not absurdly oversized either.
    assert peak <= gym.max_capacity <= max(100, peak * 1.1 + 50)


def test_each_member_remembers_its_latest_visit(db: Session) -> None:
    _seed(db, members=40)
    latest = dict(
        db.exec(
            select(CheckIn.member_id, sa.func.max(CheckIn.check_in_time)).group_by(CheckIn.member_id)
        ).all()
    )
    members = db.exec(select(Member)).all()
    assert members and all(m.last_visit_at == latest.get(m.id) for m in members)


def test_a_few_regulars_stopped_coming_and_the_dashboard_lists_them(db: Session) -> None:
    """The demo shows the dashboard's "members at risk" with someone on it: regulars who came through
    the month and not (or once) in the last two weeks, the most recent drop first."""
    _seed(db, members=300)
    admin = db.exec(select(User).where(User.role == Role.ADMIN)).first()
    assert admin is not None
    found = at_risk(db, Actor(admin.id, admin.email, admin.role), now=OPEN_NOW)
    assert 3 <= found.total <= 300 // 10, found.total
    for member in found.members:
        assert member.recent_visits <= 1 and member.recent_visits < member.usual_visits / 2
    latest = [member.last_visit for member in found.members]
    assert latest == sorted(latest, reverse=True)


def test_the_first_active_members_follow_a_catalog_plan_started_last_week(db: Session) -> None:
    from thrust.demo.plans import PLANNED_MEMBERS, STARTED_DAYS_AGO
    from thrust.demo.service import demo_logins
    from thrust.models import WorkoutPlan, WorkoutProgress
    from thrust.planner.document import parse_plan

    report = _seed(db)
    today = OPEN_NOW.date()  # the default gym zone is UTC
    active = db.exec(select(WorkoutPlan).where(WorkoutPlan.is_active)).all()
    assert len(active) == PLANNED_MEMBERS and report.plans == len(db.exec(select(WorkoutPlan)).all())
    # The member the start banner names signs in to a real plan: four weeks of catalog exercises, named
    # as the catalog names them, today one of its training days, the days before it mostly done.
    logins = demo_logins(db)
    assert logins is not None and logins.member_example
    member = db.exec(
        select(Member).join(User, User.id == Member.user_id).where(User.email == logins.member_example)
    ).one()
    plan = next(p for p in active if p.member_id == member.id)
    assert plan.starts_on == today - timedelta(days=STARTED_DAYS_AGO)
    document = parse_plan(plan.plan_data)
    names = {e.id: e.name for e in db.exec(select(Exercise)).all()}
    exercises = [x for w in document.weeks for d in w.days for x in d.exercises]
    assert len(document.weeks) == 4 and all(names[uuid.UUID(x.exercise_id)] == x.name for x in exercises)
    days = {(w.week_number, d.day_number) for w in document.weeks for d in w.days}
    assert (2, (today - plan.starts_on).days - 6) in days  # today: week 2's third day
    done = db.exec(select(WorkoutProgress).where(WorkoutProgress.plan_id == plan.id)).all()
    assert 1 <= len(done) < 5 and all(r.completed and r.exercise_data for r in done)
    assert db.exec(select(WorkoutPlan).where(WorkoutPlan.member_id == member.id)).all()[1:]  # and history
