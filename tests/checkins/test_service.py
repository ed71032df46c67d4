"""Check-in rules on both engines: refusals, capacity, check-out, auto check-out, desk lookup, feed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import actor_for, make_member, make_user, make_visit
from thrust.auth.rbac import Actor, allowed
from thrust.checkins import service
from thrust.checkins.capabilities import OVERRIDE_CAPACITY, USE_DESK
from thrust.checkins.service import CheckInRefused
from thrust.checkins.visits import list_visits
from thrust.core.bus import OUTBOX_KEY
from thrust.core.errors import Conflict, PermissionDenied, RateLimited, Unauthorized, ValidationFailed
from thrust.core.ratelimit import InProcessBackend, RateLimiter
from thrust.models import CheckIn, GymSettings, MemberStatus, Role, User


@pytest.fixture
def desk(db: Session):
    return actor_for(make_user(db, role=Role.TRAINER))


@pytest.fixture
def admin(db: Session):
    return actor_for(make_user(db, role=Role.ADMIN))


def _user(db: Session, actor: Actor) -> User:
    return db.get(User, actor.user_id)


def _capacity(db: Session, value: int) -> None:
    gym = db.get(GymSettings, 1)
    gym.max_capacity = value
    db.add(gym)
    db.flush()


def test_check_in_records_the_visit_and_reports_capacity(db: Session, desk) -> None:
    member = make_member(db)
    result = service.check_in(db, desk, member.id)
    assert result.visit.check_out_time is None and result.visit.checked_in_by == desk.user_id
    assert result.capacity == service.Capacity(current=1, max=100)
    assert member.last_visit_at == result.visit.check_in_time
    assert db.info[OUTBOX_KEY][-1][1]["type"] == "check-in"  # announced once the transaction commits


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"status": MemberStatus.INACTIVE}, "MEMBERSHIP_INACTIVE"),
        ({"status": MemberStatus.FROZEN}, "MEMBERSHIP_FROZEN"),
        ({"end": date.today() - timedelta(days=2)}, "MEMBERSHIP_EXPIRED"),
    ],
)
def test_refusals_say_why_and_write_nothing(db: Session, desk, kwargs: dict, code: str) -> None:
    member = make_member(db, **kwargs)
    with pytest.raises(CheckInRefused) as caught:
        service.check_in(db, desk, member.id)
    assert caught.value.code == code and member.full_name in caught.value.message
    assert caught.value.refusal.code == code and not caught.value.refusal.overridable
    assert db.exec(select(CheckIn).where(CheckIn.member_id == member.id)).all() == []


@pytest.mark.parametrize(
    ("kwargs", "code", "message", "cue"),
    [
        (
            {"status": MemberStatus.INACTIVE},
            "MEMBERSHIP_INACTIVE",
            "Ana Ruiz's membership is inactive",
            "Inactive",
        ),
        ({"status": MemberStatus.FROZEN}, "MEMBERSHIP_FROZEN", "Ana Ruiz's membership is frozen", "Frozen"),
        (
            {"end": date(2026, 3, 12)},
            "MEMBERSHIP_EXPIRED",
            "Ana Ruiz's membership ended on 12 Mar 2026",
            "Expired 12 Mar 2026",
        ),
        ({}, None, None, None),
    ],
)
def test_the_desk_search_carries_the_refusal_a_check_in_would_get(
    db: Session, admin, kwargs: dict, code: str | None, message: str | None, cue: str | None
) -> None:
    """The desk shows the service's refusal before anyone presses Enter: the same code and reason as the
    check-in itself, and the short cue the row shows."""
    member = make_member(db, full_name="Ana Ruiz", **kwargs)
    refusal = service.lookup(db, admin, str(member.id))[0].refusal
    if code is None:
        assert refusal is None
        return
    assert refusal is not None and (refusal.code, refusal.message, refusal.cue) == (code, message, cue)
    assert not refusal.overridable
    with pytest.raises(CheckInRefused) as caught:
        service.check_in(db, admin, member.id)
    assert (caught.value.code, caught.value.message) == (code, message)


def test_outside_a_trainers_scope_the_refusal_keeps_the_end_date_to_itself(db: Session, desk) -> None:
    theirs = make_member(
        db, full_name="Zoë Ångström", trainer=make_user(db, role=Role.TRAINER), end=date(2026, 3, 12)
    )
    refusal = service.lookup(db, desk, str(theirs.id))[0].refusal
    assert refusal is not None and refusal.code == "MEMBERSHIP_EXPIRED"
    assert refusal.cue == "Expired" and "2026" not in refusal.message
    # Pressing Enter anyway: the check-in's own refusal keeps it to itself too.
    with pytest.raises(CheckInRefused) as caught:
        service.check_in(db, desk, theirs.id)
    assert caught.value.code == "MEMBERSHIP_EXPIRED" and "2026" not in caught.value.message


def test_a_member_inside_cannot_check_in_again(db: Session, desk) -> None:
    member = make_member(db)
    service.check_in(db, desk, member.id)
    with pytest.raises(CheckInRefused) as caught:
        service.check_in(db, desk, member.id)
    assert caught.value.code == "ALREADY_INSIDE"


def test_a_full_gym_refuses_and_an_admin_may_override_with_a_reason(db: Session, desk, admin) -> None:
    _capacity(db, 1)
    first, second = make_member(db, full_name="First In"), make_member(db, full_name="Second In")
    service.check_in(db, desk, first.id)
    with pytest.raises(CheckInRefused) as caught:
        service.check_in(db, desk, second.id)
    assert caught.value.code == "AT_CAPACITY" and "1 of 1" in caught.value.message
    assert caught.value.refusal.overridable  # by someone allowed to: the trainer is not
    with pytest.raises(PermissionDenied):
        service.check_in(db, desk, second.id, override_reason="Personal training session")
    with pytest.raises(ValidationFailed):
        service.check_in(db, admin, second.id, override_reason="x")
    result = service.check_in(db, admin, second.id, override_reason="Personal training session")
    assert result.visit.override_reason == "Personal training session"
    assert result.capacity == service.Capacity(current=2, max=1)


def test_members_and_strangers_cannot_use_the_desk(db: Session) -> None:
    member = make_member(db)
    with pytest.raises(PermissionDenied):
        service.check_in(db, actor_for(make_user(db, role=Role.MEMBER)), member.id)
    with pytest.raises(Unauthorized):
        service.check_in(db, None, member.id)  # type: ignore[arg-type]  # no actor: what an anonymous caller would pass


def test_check_out_once_and_a_second_time_is_a_clear_error(db: Session, desk) -> None:
    member = make_member(db)
    visit = service.check_in(db, desk, member.id).visit
    result = service.check_out(db, desk, visit.id)
    assert result.visit.check_out_time is not None and result.capacity.current == 0
    with pytest.raises(Conflict, match="already checked out"):
        service.check_out(db, desk, visit.id)
    with pytest.raises(Conflict, match="not checked in"):
        service.check_out_member(db, desk, member.id)


def test_auto_check_out_closes_long_visits_once_as_automatic(db: Session) -> None:
    long_stay, short_stay = make_member(db, full_name="Long Stay"), make_member(db, full_name="Short Stay")
    old = make_visit(db, long_stay, hours_ago=5, minutes=None)
    make_visit(db, short_stay, hours_ago=1, minutes=None)
    assert service.auto_check_out(db) == 1
    db.refresh(old)
    assert old.auto_checked_out and old.check_out_time == old.check_in_time + timedelta(hours=4)
    assert service.auto_check_out(db) == 0
    assert service.current_capacity(db).current == 1


def test_desk_lookup_finds_any_member_with_their_card(db: Session, desk, admin) -> None:
    coach_of_others = make_user(db, role=Role.TRAINER)
    zoe = make_member(db, full_name="Zoë Ångström", phone="+49 151 2345 6789", trainer=coach_of_others)
    make_visit(db, zoe, hours_ago=30)
    service.check_in(db, desk, zoe.id)
    for query in ("zoe", "151 2345", str(zoe.id)):
        found = service.lookup(db, admin, query)
        assert [m.person.full_name for m in found] == ["Zoë Ångström"], query
    card = service.lookup(db, admin, "ångström")[0]
    assert card.person.initials == "ZÅ" and card.open_visit_id is not None
    assert card.visits_this_month is not None and card.visits_this_month >= 1
    assert card.person.detailed and card.person.phone == "+49 151 2345 6789"
    assert service.lookup(db, admin, "   ") == []


def test_a_trainer_at_the_desk_finds_anyone_but_sees_contact_details_of_their_own_members_only(
    db: Session, desk
) -> None:
    coach_of_others = make_user(db, role=Role.TRAINER)
    theirs = make_member(
        db,
        full_name="Zoë Ångström",
        email="marisol.q@example.com",
        phone="+49 151 2345 6789",
        trainer=coach_of_others,
        end=date.today() - timedelta(days=3),
    )
    mine = make_member(
        db, full_name="Ana Ruiz", email="ana.r@example.com", phone="+34 600 111 222", trainer=_user(db, desk)
    )
    make_visit(db, theirs)
    # Found by name or member id (they work the desk), with name, initials, tier and status only.
    for query in ("zoe", "ÅNGSTRÖM zo", str(theirs.id)):
        found = service.lookup(db, desk, query)
        assert [m.person.full_name for m in found] == ["Zoë Ångström"], query
    person = found[0].person
    assert (person.initials, person.membership_tier.value, person.status.value) == ("ZÅ", "BASIC", "ACTIVE")
    assert person.expired and not person.detailed
    assert (person.email, person.phone, person.date_of_birth, person.membership_end) == (None,) * 4
    assert found[0].visits_this_month is None
    # Not found by their email or phone: the answer would say whose they are, a letter at a time.
    for query in ("marisol", "marisol.q@example.com", "ma", "151 2345", "example.com"):
        found_names = [m.person.full_name for m in service.lookup(db, desk, query)]
        assert "Zoë Ångström" not in found_names, query
    # Their own member: found by anything, with the details (positive control).
    for query in ("ana", "ana.r@example", "600 111"):
        found = service.lookup(db, desk, query)
        assert [m.person.full_name for m in found] == ["Ana Ruiz"], query
    assert found[0].person.detailed and found[0].person.email == "ana.r@example.com"
    assert found[0].person.phone == "+34 600 111 222" and found[0].visits_this_month == 0
    assert mine.id == found[0].person.id


def test_the_desk_search_limit_lets_typing_through_and_refuses_a_burst(db: Session, desk) -> None:
    make_member(db, full_name="Ana Ruiz")
    now = [1_000.0]
    limiter = RateLimiter(InProcessBackend(clock=lambda: now[0]))

    def search(actor, text: str = "ana") -> None:
        service.lookup(db, actor, text, limiter=limiter)

    # Typing, as the desk's box sends it: a search 100 ms after the last key, at most ten a second
    # (sustained for a whole minute, far past any real typing), is never refused.
    for _ in range(600):
        search(desk)
        now[0] += service.DESK_SEARCHES.window_seconds / 30 + 0.001
    now[0] += 10
    # A script: 60 look-ups at once. The first 40 go through, the rest are refused in plain words.
    refused = 0
    for _ in range(60):
        try:
            search(desk)
        except RateLimited as error:
            refused += 1
            assert error.message.startswith("Too many searches at once. Wait ")
    assert refused == 20
    # Per user: another desk is not slowed down; and the same user may search again a moment later.
    search(actor_for(make_user(db, role=Role.TRAINER)))
    now[0] += service.DESK_SEARCHES.window_seconds
    search(desk)


def test_a_trainer_lists_visits_of_their_assigned_members_only(db: Session, desk, admin) -> None:
    mine = make_member(db, full_name="Mine Assigned", trainer=_user(db, desk))
    other = make_member(db, full_name="Not Mine", trainer=make_user(db, role=Role.TRAINER))
    nobody = make_member(db, full_name="Nobody's Member")
    for member in (mine, other, nobody):
        make_visit(db, member)
    rows, total = list_visits(db, desk)
    assert total == 1 and [name for _, name in rows] == ["Mine Assigned"]
    assert list_visits(db, desk, member_id=other.id) == ([], 0)
    assert list_visits(db, desk, member_id=mine.id)[1] == 1
    _, everyone = list_visits(db, admin)
    assert everyone == 3  # positive control: an admin lists them all


def test_feed_and_inside_are_newest_first_and_staff_only(db: Session, desk) -> None:
    a, b = make_member(db, full_name="Ann Early"), make_member(db, full_name="Ben Later")
    service.check_in(db, desk, a.id)
    visit_b = service.check_in(db, desk, b.id).visit
    service.check_out(db, desk, visit_b.id)
    feed = service.activity_feed(db, desk)
    assert [(e.kind, e.member_name) for e in feed[:3]] == [
        ("check-out", "Ben Later"),
        ("check-in", "Ben Later"),
        ("check-in", "Ann Early"),
    ]
    assert [i.member_name for i in service.who_is_inside(db, desk)] == ["Ann Early"]
    member_actor = actor_for(make_user(db, role=Role.MEMBER))
    with pytest.raises(PermissionDenied):
        service.activity_feed(db, member_actor)
    with pytest.raises(PermissionDenied):
        service.who_is_inside(db, member_actor)


def test_occupancy_equals_open_visits(db: Session, desk) -> None:
    members = [make_member(db, full_name=f"Member {n}") for n in range(5)]
    visits = [service.check_in(db, desk, m.id).visit for m in members]
    service.check_out(db, desk, visits[0].id)
    open_count = len(db.exec(select(CheckIn).where(CheckIn.check_out_time.is_(None))).all())
    assert service.current_capacity(db).current == open_count == 4
    member_actor = actor_for(make_user(db, role=Role.MEMBER))
    assert service.occupancy(db, member_actor) == service.current_capacity(db)  # the number is for everyone
    with pytest.raises(Unauthorized):
        service.occupancy(db, None)  # type: ignore[arg-type]  # no actor: what an anonymous caller would pass


def test_a_member_lists_only_their_own_visits(db: Session, desk) -> None:
    mine, other = make_member(db, full_name="Me Myself"), make_member(db, full_name="Some One")
    make_visit(db, mine)
    make_visit(db, other)
    me = actor_for(db.get(User, mine.user_id))
    rows, total = list_visits(db, me)
    assert total == 1 and rows[0][1] == "Me Myself"
    with pytest.raises(PermissionDenied):
        list_visits(db, me, member_id=other.id)
    _, everyone = list_visits(
        db, actor_for(make_user(db, role=Role.ADMIN)), since=datetime.now(UTC) - timedelta(days=1)
    )
    assert everyone == 2


def test_only_an_admin_may_override_the_capacity() -> None:
    """The capability the service, the desk's state and page check is the one the RBAC table grants."""
    for role, may in [(Role.ADMIN, True), (Role.TRAINER, False), (Role.MEMBER, False)]:
        actor = Actor(uuid.uuid4(), "someone@example.com", role)
        assert allowed(actor, OVERRIDE_CAPACITY) is may, role
        assert allowed(actor, USE_DESK) is (role != Role.MEMBER), role
