"""Demo accounts on both engines: what the seed marks, who may remove it, what goes and what stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

import thrust.demo_data as demo_data
from tests.factories import actor_for, make_member, make_user, make_visit
from tests.server import afternoon_timezone
from thrust.auth.rbac import Actor
from thrust.core.bus import OUTBOX_KEY
from thrust.core.errors import Conflict, PermissionDenied, Unauthorized
from thrust.core.security import hash_password
from thrust.core.types import utcnow
from thrust.demo import service
from thrust.demo.service import DemoImpact
from thrust.models import (
    AuthSession,
    CheckIn,
    GymSettings,
    Member,
    MembershipReminder,
    OccupancySlot,
    ReminderOptOut,
    Role,
    User,
    VisitMixSlot,
    VisitRhythm,
    WorkoutPlan,
    WorkoutPlanTemplate,
    WorkoutProgress,
)

MEMBERS = 40


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_data, "hash_password", lambda password: hash_password(password, rounds=4))


@pytest.fixture
def seeded(db: Session) -> demo_data.SeedReport:
    """The demo gym, seeded where it is mid-afternoon now: some demo members are inside."""
    return demo_data.seed_demo_data(db, members=MEMBERS, progress=False, timezone=afternoon_timezone())


def _user(db: Session, email: str) -> User:
    return db.exec(select(User).where(User.email == email)).one()


def _count(db: Session, model: type, *where: sa.ColumnElement[bool]) -> int:
    return int(db.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar_one())


def _demo_admin(db: Session) -> Actor:
    return actor_for(_user(db, demo_data.ADMIN_EMAIL))


def _session_of(db: Session, user: User) -> AuthSession:
    auth = AuthSession(user_id=user.id, expires_at=utcnow() + timedelta(days=30))
    db.add(auth)
    db.flush()
    return auth


def _plan(db: Session, member: Member, author: User, *, active: bool = True) -> WorkoutPlan:
    plan = WorkoutPlan(
        member_id=member.id, created_by=author.id, title="Strength", plan_data={"weeks": []}, is_active=active
    )
    db.add(plan)
    db.flush()
    db.add(WorkoutProgress(plan_id=plan.id, week_number=1, day_number=1, completed=True))
    db.flush()
    return plan


def test_the_seed_marks_its_trainers_and_members_but_not_its_admin(
    db: Session, seeded: demo_data.SeedReport
) -> None:
    marked = db.exec(select(User.role, sa.func.count()).where(User.is_demo).group_by(User.role)).all()
    assert dict(marked) == {Role.TRAINER: 5, Role.MEMBER: MEMBERS}
    assert not _user(db, demo_data.ADMIN_EMAIL).is_demo
    assert service.has_demo_accounts(db)


def test_removal_deletes_what_the_seed_made_and_keeps_the_admin_and_everything_added_since(
    db: Session, seeded: demo_data.SeedReport
) -> None:
    admin = _demo_admin(db)
    coach = _user(db, seeded.trainer_emails[0])
    demo_member = db.exec(select(Member).join(User, User.id == Member.user_id).where(User.is_demo)).first()
    assert demo_member is not None
    capacity = db.get(GymSettings, 1).max_capacity
    inside_before = _count(db, CheckIn, CheckIn.check_out_time.is_(None))
    # Added since the seed: a member of a demo trainer, whom that trainer checked in and wrote a plan for;
    # a trainer and a second admin of the gym's own.
    kept = make_member(db, full_name="Real Person", trainer=coach)
    kept_visit = make_visit(db, kept, minutes=None)
    kept_visit.checked_in_by = coach.id
    kept_plan = _plan(db, kept, coach)
    own_trainer = make_user(db, role=Role.TRAINER, full_name="Own Trainer")
    second_admin = make_user(db, role=Role.ADMIN)
    # What hangs off demo accounts: sessions, a plan, a reminder, an opt-out.
    _session_of(db, coach)
    _session_of(db, db.get(User, demo_member.user_id))
    _session_of(db, db.get(User, kept.user_id))
    _plan(db, demo_member, coach, active=False)  # (the seed may have given them their active plan)
    template = WorkoutPlanTemplate(created_by=coach.id, title="Coach's library", plan_data={"weeks": []})
    db.add(template)
    db.add(MembershipReminder(member_id=demo_member.id, membership_end=demo_member.membership_end, stage=7,
                              status="sent", days_left=7))  # fmt: skip
    db.add(ReminderOptOut(member_id=demo_member.id))
    db.flush()
    demo_visits = _count(db, CheckIn) - 1
    assert _count(db, OccupancySlot) > 0  # the seed summed up the demo's past for the dashboard
    assert _count(db, VisitMixSlot) > 0 and _count(db, VisitRhythm) > 0

    expected = DemoImpact(members=MEMBERS, visits=demo_visits, trainers=5, unassigned=1)
    assert service.removal_impact(db, admin) == expected
    assert service.remove_demo_data(db, admin) == expected
    db.expire_all()  # the rows as the database now holds them

    assert _count(db, User, User.is_demo) == 0 and not service.has_demo_accounts(db)
    assert {u.email for u in db.exec(select(User)).all()} == {
        demo_data.ADMIN_EMAIL,
        own_trainer.email,
        second_admin.email,
        db.get(User, kept.user_id).email,
    }
    assert [m.full_name for m in db.exec(select(Member)).all()] == ["Real Person"]
    assert kept.assigned_trainer_id is None
    visit = db.exec(select(CheckIn)).one()  # the kept member's visit, still open, its desk gone
    assert visit.id == kept_visit.id and visit.check_out_time is None and visit.checked_in_by is None
    plan = db.exec(select(WorkoutPlan)).one()
    assert plan.id == kept_plan.id and plan.created_by == admin.user_id
    assert _count(db, WorkoutProgress) == 1
    assert db.get(WorkoutPlanTemplate, template.id).created_by == admin.user_id  # the library keeps it
    assert _count(db, MembershipReminder) == _count(db, ReminderOptOut) == 0
    assert [s.user_id for s in db.exec(select(AuthSession)).all()] == [kept.user_id]
    assert db.get(GymSettings, 1).max_capacity == capacity
    assert _count(db, OccupancySlot) == 0  # the demo's past left the charts; the roll-up job starts again
    assert _count(db, VisitMixSlot) == 0
    assert _count(db, VisitRhythm) == 0  # the demo members' counts went with them
    # Live screens are told once the transaction commits: now only the kept member is inside.
    channel, message = db.info[OUTBOX_KEY][-1]
    assert (channel, message["type"]) == ("capacity", "demo-data-removed")
    assert message["capacity"]["current"] == 1 and inside_before > 0

    # Again: nothing left to remove, nothing announced.
    db.info.pop(OUTBOX_KEY, None)
    assert service.remove_demo_data(db, admin) == DemoImpact()
    assert not db.info.get(OUTBOX_KEY)


def test_the_summary_says_what_goes_and_who_stays() -> None:
    assert DemoImpact(members=1, visits=1, trainers=1).summary() == (
        "1 demo member with their 1 visit, and 1 demo trainer"
    )
    assert DemoImpact(members=10_000, visits=160_512, trainers=5, unassigned=2).summary() == (
        "10,000 demo members with their 160,512 visits, and 5 demo trainers; "
        "2 members added since stay without a trainer"
    )


def test_an_admin_made_by_the_demo_stays(db: Session, seeded: demo_data.SeedReport) -> None:
    """A demo trainer promoted to admin since is someone's real login now: it is never removed."""
    promoted = _user(db, seeded.trainer_emails[1])
    promoted.role = Role.ADMIN
    db.add(promoted)
    db.flush()
    removed = service.remove_demo_data(db, _demo_admin(db))
    assert removed.trainers == 4
    assert db.get(User, promoted.id) is not None


@pytest.mark.parametrize("role", [Role.TRAINER, Role.MEMBER])
def test_only_admins_see_the_banner_or_remove_demo_data(
    db: Session, seeded: demo_data.SeedReport, role: Role
) -> None:
    demo_user = db.exec(select(User).where(User.is_demo, User.role == role)).first()
    someone = actor_for(demo_user)
    own = actor_for(make_user(db, role=role))
    users = _count(db, User)
    for actor in (someone, own):
        assert service.demo_data_loaded(db, actor) is False
        with pytest.raises(PermissionDenied):
            service.removal_impact(db, actor)
        with pytest.raises(PermissionDenied):
            service.remove_demo_data(db, actor)
    with pytest.raises(Unauthorized):
        service.remove_demo_data(db, None)  # type: ignore[arg-type]  # no actor: what an anonymous caller would pass
    assert _count(db, User) == users and not db.info.get(OUTBOX_KEY)
    assert service.demo_data_loaded(db, _demo_admin(db)) is True


def test_no_banner_without_demo_data(db: Session) -> None:
    admin = actor_for(make_user(db, role=Role.ADMIN))
    make_member(db)
    assert service.demo_data_loaded(db, admin) is False
    assert service.removal_impact(db, admin) == DemoImpact()
    assert service.demo_logins(db) is None


def test_demo_logins_come_from_the_database(db: Session, seeded: demo_data.SeedReport) -> None:
    logins = service.demo_logins(db)
    assert logins is not None
    assert logins.admin_email == demo_data.ADMIN_EMAIL and logins.admin_password_hash
    assert sorted(logins.trainer_emails) == sorted(seeded.trainer_emails)
    example = _user(db, logins.member_example or "")
    assert example.is_demo and example.role == Role.MEMBER
    # A trainer deactivated since is no login any more.
    gone = _user(db, seeded.trainer_emails[0])
    gone.is_active = False
    db.add(gone)
    db.flush()
    assert gone.email not in service.demo_logins(db).trainer_emails  # type: ignore[union-attr]  # the logins exist: the demo data was just made


def test_the_console_acts_for_the_earliest_active_admin(db: Session) -> None:
    with pytest.raises(Conflict):
        service.console_actor(db)
    later = make_user(db, role=Role.ADMIN)
    first = make_user(db, role=Role.ADMIN)
    first.created_at = later.created_at - timedelta(days=1)
    db.add(first)
    db.flush()
    actor = service.console_actor(db)
    assert (actor.user_id, actor.role) == (first.id, Role.ADMIN)
