"""Members service on both engines: search, filters, scope, profile, create/edit rules, delete."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import actor_for, make_member, make_user, make_visit
from thrust.core.errors import NotFound, PermissionDenied, Unauthorized, ValidationFailed
from thrust.members import directory, service
from thrust.members.search import MemberFilters, SortKey, membership_cue, parse_filters
from thrust.models import CheckIn, Member, MembershipTier, MemberStatus, Role, User


@pytest.fixture
def world(db: Session) -> dict[str, object]:
    admin = make_user(db, role=Role.ADMIN)
    coach = make_user(db, role=Role.TRAINER, full_name="Marcus Reid")
    other_coach = make_user(db, role=Role.TRAINER, full_name="Priya Sharma")
    today = date.today()
    zoe = make_member(
        db, full_name="Zoë Ångström", phone="+49 151 2345 6789", trainer=coach, end=today + timedelta(days=5)
    )
    ana = make_member(
        db, full_name="Ana Ruiz", trainer=coach, tier=MembershipTier.VIP, end=today - timedelta(days=3)
    )
    bob = make_member(db, full_name="Bob Stone", trainer=other_coach, status=MemberStatus.FROZEN)
    cy = make_member(db, full_name="Cy Twombly", email="cy@art.example.com", phone=None)
    return {
        "admin": admin,
        "coach": coach,
        "other_coach": other_coach,
        "zoe": zoe,
        "ana": ana,
        "bob": bob,
        "cy": cy,
    }


def names(page: directory.MemberPage) -> list[str]:
    return [row.full_name for row in page.rows]


def test_search_is_partial_and_ignores_case_and_accents(db: Session, world: dict) -> None:
    admin = actor_for(world["admin"])
    assert names(directory.list_members(db, admin, MemberFilters(query="ANGST"))) == ["Zoë Ångström"]
    assert names(directory.list_members(db, admin, MemberFilters(query="zoe ang"))) == ["Zoë Ångström"]
    assert names(directory.list_members(db, admin, MemberFilters(query="ångström zoë"))) == ["Zoë Ångström"]


def test_search_by_email_phone_and_id(db: Session, world: dict) -> None:
    admin = actor_for(world["admin"])
    assert names(directory.list_members(db, admin, MemberFilters(query="cy@art"))) == ["Cy Twombly"]
    assert names(directory.list_members(db, admin, MemberFilters(query="151 2345"))) == ["Zoë Ångström"]
    assert names(directory.list_members(db, admin, MemberFilters(query=str(world["bob"].id)))) == [
        "Bob Stone"
    ]


def test_like_wildcards_in_a_search_are_literal(db: Session, world: dict) -> None:
    admin = actor_for(world["admin"])
    assert directory.list_members(db, admin, MemberFilters(query="%")).total == 0
    assert directory.list_members(db, admin, MemberFilters(query="_")).total == 0


def test_filters(db: Session, world: dict) -> None:
    admin = actor_for(world["admin"])
    assert names(directory.list_members(db, admin, MemberFilters(statuses=(MemberStatus.FROZEN,)))) == [
        "Bob Stone"
    ]
    assert names(directory.list_members(db, admin, MemberFilters(tiers=(MembershipTier.VIP,)))) == [
        "Ana Ruiz"
    ]
    coach_id = world["coach"].id
    assert names(directory.list_members(db, admin, MemberFilters(trainer_id=coach_id))) == [
        "Ana Ruiz",
        "Zoë Ångström",
    ]
    assert names(directory.list_members(db, admin, MemberFilters(unassigned=True))) == ["Cy Twombly"]
    assert names(directory.list_members(db, admin, MemberFilters(expiring_within_days=7))) == ["Zoë Ångström"]
    assert names(directory.list_members(db, admin, MemberFilters(expired=True))) == ["Ana Ruiz"]


def test_memberships_started_this_month_up_to_today(db: Session, world: dict) -> None:
    """The dashboard's "new this month" card links here: the 1st of the gym's month up to today."""
    admin = actor_for(world["admin"])
    today = date.today()
    world["bob"].membership_start = today.replace(day=1)
    world["cy"].membership_start = today + timedelta(days=1)  # signed up, not begun yet
    world["zoe"].membership_start = today.replace(day=1) - timedelta(days=1)  # last month
    db.flush()
    started = parse_filters({"startedThisMonth": "true"})
    assert started.started_this_month
    assert names(directory.list_members(db, admin, started)) == ["Bob Stone"]
    both = dataclasses.replace(started, statuses=(MemberStatus.ACTIVE,))
    assert directory.list_members(db, admin, both).total == 0  # Bob is frozen


def test_sort_and_paginate_with_total(db: Session, world: dict) -> None:
    admin = actor_for(world["admin"])
    first = directory.list_members(db, admin, MemberFilters(limit=2, page=1))
    second = directory.list_members(db, admin, MemberFilters(limit=2, page=2))
    assert first.total == second.total == 4 and first.total_pages == 2
    assert names(first) + names(second) == ["Ana Ruiz", "Bob Stone", "Cy Twombly", "Zoë Ångström"]
    by_end = directory.list_members(db, admin, MemberFilters(sort=SortKey.MEMBERSHIP_END))
    assert names(by_end)[0] == "Ana Ruiz"


def test_sort_by_last_visit_puts_never_visited_last(db: Session, world: dict) -> None:
    from datetime import UTC, datetime

    admin = actor_for(world["admin"])
    world["bob"].last_visit_at = datetime.now(UTC) - timedelta(days=1)
    world["cy"].last_visit_at = datetime.now(UTC) - timedelta(days=5)
    db.flush()
    recent_first = directory.list_members(db, admin, MemberFilters(sort=SortKey.LAST_VISIT, descending=True))
    assert names(recent_first)[:2] == ["Bob Stone", "Cy Twombly"]
    oldest_first = directory.list_members(db, admin, MemberFilters(sort=SortKey.LAST_VISIT))
    assert names(oldest_first)[:2] == ["Cy Twombly", "Bob Stone"]


def test_rows_carry_membership_cues(db: Session, world: dict) -> None:
    rows = {
        r.full_name: r for r in directory.list_members(db, actor_for(world["admin"]), MemberFilters()).rows
    }
    assert rows["Zoë Ångström"].membership_cue == "expires in 5 days"
    assert rows["Ana Ruiz"].membership_cue == "expired 3 days ago"
    assert rows["Zoë Ångström"].trainer_name == "Marcus Reid"


def test_membership_cue_wording() -> None:
    today = date(2026, 11, 25)
    assert membership_cue(today, today) == "expires today"
    assert membership_cue(today + timedelta(days=1), today) == "expires tomorrow"
    assert membership_cue(today - timedelta(days=1), today) == "expired yesterday"
    assert membership_cue(today + timedelta(days=90), today) == "until 23 Feb 2027"


def test_a_trainer_sees_only_assigned_members_and_a_member_cannot_list(db: Session, world: dict) -> None:
    coach = actor_for(world["coach"])
    assert names(directory.list_members(db, coach, MemberFilters())) == ["Ana Ruiz", "Zoë Ångström"]
    member_user = db.get(User, world["cy"].user_id)
    with pytest.raises(PermissionDenied):
        directory.list_members(db, actor_for(member_user), MemberFilters())
    with pytest.raises(Unauthorized):
        directory.list_members(db, None, MemberFilters())  # type: ignore[arg-type]


def test_parse_filters_validates_every_field() -> None:
    parsed = parse_filters(
        {
            "q": " zoë ",
            "status": "active,FROZEN",
            "tier": ["VIP"],
            "sort": "lastVisit",
            "order": "desc",
            "page": "2",
            "limit": "50",
        }
    )
    assert parsed.query == "zoë" and parsed.statuses == (MemberStatus.ACTIVE, MemberStatus.FROZEN)
    assert parsed.tiers == (MembershipTier.VIP,) and parsed.sort is SortKey.LAST_VISIT and parsed.descending
    assert (parsed.page, parsed.limit) == (2, 50)
    with pytest.raises(ValidationFailed) as caught:
        parse_filters(
            {"limit": "500", "status": "GONE", "sort": "salary", "q": "x" * 101, "trainerId": "nope"}
        )
    assert {p.field for p in caught.value.details} == {"limit", "status", "sort", "q", "trainerId"}
    with pytest.raises(ValidationFailed):
        parse_filters({"page": {"$gt": 1}})


def test_profile_shows_visits_and_what_the_viewer_may_do(db: Session, world: dict) -> None:
    zoe = world["zoe"]
    make_visit(db, zoe, hours_ago=50, minutes=90)
    make_visit(db, zoe, hours_ago=26, minutes=30)
    make_visit(db, zoe, hours_ago=1, minutes=None)
    profile = service.get_member_profile(db, actor_for(world["admin"]), zoe.id)
    assert profile.visits_last_30_days == 3 and profile.visits_total == 3
    assert profile.average_visit_minutes == 60
    assert profile.inside_now and profile.visits[0].check_out_time is None
    assert profile.can_edit and profile.can_delete and profile.can_edit_membership

    coach_view = service.get_member_profile(db, actor_for(world["coach"]), zoe.id)
    assert coach_view.can_edit and not coach_view.can_delete and not coach_view.can_edit_membership
    own_view = service.get_member_profile(db, actor_for(db.get(User, zoe.user_id)), zoe.id)
    assert not own_view.can_edit and own_view.email


def test_a_trainer_and_a_member_cannot_see_others(db: Session, world: dict) -> None:
    with pytest.raises(NotFound):
        service.get_member_profile(db, actor_for(world["other_coach"]), world["zoe"].id)
    with pytest.raises(NotFound):
        service.get_member_profile(db, actor_for(db.get(User, world["cy"].user_id)), world["zoe"].id)


VALID = {
    "fullName": "Lena Fischer",
    "email": "Lena.Fischer@Example.com",
    "phone": "+49 30 1234567",
    "dateOfBirth": "1990-04-12",
    "gender": "female",
    "membershipTier": "PREMIUM",
    "membershipStart": "2026-01-01",
    "membershipEnd": "2026-12-31",
}


def test_create_member_makes_a_login_without_a_usable_password(db: Session, world: dict) -> None:
    member = service.create_member(
        db, actor_for(world["admin"]), {**VALID, "assignedTrainerId": str(world["coach"].id)}
    )
    user = db.get(User, member.user_id)
    assert user.email == "lena.fischer@example.com" and user.role == Role.MEMBER and user.password_hash == "!"
    assert member.status == MemberStatus.ACTIVE and member.membership_tier == MembershipTier.PREMIUM
    assert "lena fischer" in member.search_text


def test_create_member_reports_every_bad_field(db: Session, world: dict) -> None:
    bad = {
        "fullName": "",
        "email": "not-an-email",
        "phone": "12",
        "dateOfBirth": "2090-01-01",
        "gender": "robot",
        "membershipTier": "GOLD",
        "membershipStart": "2026-05-01",
        "membershipEnd": "2026-04-01",
        "status": "SLEEPING",
        "assignedTrainerId": str(world["admin"].id),
    }
    before = db.exec(select(Member)).all()
    with pytest.raises(ValidationFailed) as caught:
        service.create_member(db, actor_for(world["admin"]), bad)
    fields = {p.field for p in caught.value.details}
    assert fields == set(bad) - {"membershipStart"}
    assert db.exec(select(Member)).all() == before


def test_email_must_be_unique(db: Session, world: dict) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.create_member(db, actor_for(world["admin"]), {**VALID, "email": "cy@art.example.com"})
    # The same words as signing up or changing one's own email to a taken address.
    assert caught.value.details[0].field == "email"
    assert caught.value.details[0].message == "An account with this email already exists"


def test_a_members_own_profile_change_reaches_the_directory(db: Session, world: dict) -> None:
    """Auth changes the account; the member row (name, phone, search words) follows through members."""
    from thrust.auth.service import update_profile

    cy = world["cy"]
    user = db.get(User, cy.user_id)
    update_profile(
        db, actor_for(user), full_name="Cyrus Twombly", phone="+1 555 000 1234", email="cy@new.example.com"
    )
    admin = actor_for(world["admin"])
    for query in ("cyrus", "cy@new.example", "5550001234"):
        assert names(directory.list_members(db, admin, MemberFilters(query=query))) == ["Cyrus Twombly"]
    assert directory.list_members(db, admin, MemberFilters(query="cy@art")).total == 0
    assert service.get_member_profile(db, admin, cy.id).member.phone == "+1 555 000 1234"


def test_only_admins_create_and_delete(db: Session, world: dict) -> None:
    with pytest.raises(PermissionDenied):
        service.create_member(db, actor_for(world["coach"]), VALID)
    with pytest.raises(PermissionDenied):
        service.delete_member(db, actor_for(world["coach"]), world["zoe"].id)


def test_trainer_edits_assigned_member_but_not_membership_fields(db: Session, world: dict) -> None:
    coach = actor_for(world["coach"])
    zoe = world["zoe"]
    updated = service.update_member(db, coach, zoe.id, {"phone": "+49 170 0000000"})
    assert updated.phone == "+49 170 0000000" and "491700000000" in updated.search_text
    before = (db.get(User, zoe.user_id).email, zoe.membership_start, zoe.membership_end, zoe.status)
    valid = {
        "membershipTier": "VIP",
        "status": "FROZEN",
        "assignedTrainerId": "",
        "email": "zoe.elsewhere@example.com",
        "membershipStart": (zoe.membership_start - timedelta(days=30)).isoformat(),
        "membershipEnd": (zoe.membership_end + timedelta(days=365)).isoformat(),
    }
    assert set(valid) == set(service.ADMIN_ONLY_FIELDS)
    for field, value in valid.items():
        # Refused whole, with a harmless field alongside: nothing of it is saved.
        with pytest.raises(PermissionDenied, match="Only an admin"):
            service.update_member(db, coach, zoe.id, {field: value, "fullName": "Renamed By Coach"})
    db.refresh(zoe)
    assert (db.get(User, zoe.user_id).email, zoe.membership_start, zoe.membership_end, zoe.status) == before
    assert zoe.full_name == "Zoë Ångström" and zoe.assigned_trainer_id == world["coach"].id
    with pytest.raises(NotFound):
        service.update_member(db, coach, world["bob"].id, {"phone": "+49 170 0000000"})


def _live_sessions(db: Session, member: Member) -> tuple[str, str]:
    """Sign the member in (two devices); their access tokens."""
    from thrust.auth import sessions

    user = db.get(User, member.user_id)
    return tuple(  # type: ignore[return-value]
        sessions.start_session(db, user, user_agent="pytest", ip="127.0.0.1").access_token for _ in range(2)
    )


def _works(db: Session, token: str) -> bool:
    from thrust.auth import sessions
    from thrust.core.errors import Unauthorized

    sessions.clear_session_cache()  # ask the database (a revocation is remembered in-process, too)
    try:
        sessions.actor_from_access_token(token, session=db)
    except Unauthorized:
        return False
    return True


def test_a_new_email_or_a_stopped_membership_ends_the_members_sessions(db: Session, world: dict) -> None:
    admin = actor_for(world["admin"])
    zoe, cy = world["zoe"], world["cy"]
    tokens = _live_sessions(db, zoe)
    others = _live_sessions(db, cy)
    # Changes that keep the login as it is keep the sessions (the same email counts as no change).
    email = db.get(User, zoe.user_id).email
    service.update_member(db, admin, zoe.id, {"phone": "+49 170 1111111", "email": email.upper()})
    service.update_member(db, admin, zoe.id, {"membershipTier": "VIP", "status": "ACTIVE"})
    assert all(_works(db, t) for t in tokens)
    service.update_member(db, admin, zoe.id, {"email": "zoe.new@example.com"})
    assert not any(_works(db, t) for t in tokens)
    assert all(_works(db, t) for t in others)  # nobody else's

    for status in ("FROZEN", "INACTIVE"):
        service.update_member(db, admin, zoe.id, {"status": "ACTIVE"})
        tokens = _live_sessions(db, zoe)
        service.update_member(db, admin, zoe.id, {"status": status})
        assert not any(_works(db, t) for t in tokens), status
    assert all(_works(db, t) for t in others)


def test_update_is_partial_and_checks_dates_against_current_values(db: Session, world: dict) -> None:
    admin = actor_for(world["admin"])
    zoe = world["zoe"]
    with pytest.raises(ValidationFailed) as caught:
        service.update_member(
            db, admin, zoe.id, {"membershipEnd": (zoe.membership_start - timedelta(days=1)).isoformat()}
        )
    assert caught.value.details[0].field == "membershipEnd"
    service.update_member(db, admin, zoe.id, {"status": "frozen", "email": "zoe@new.example.com"})
    assert zoe.status == MemberStatus.FROZEN and db.get(User, zoe.user_id).email == "zoe@new.example.com"
    assert zoe.full_name == "Zoë Ångström"


def test_delete_takes_login_and_visits_with_it(db: Session, world: dict) -> None:
    admin = actor_for(world["admin"])
    make_visit(db, world["bob"])
    impact = service.deletion_impact(db, admin, world["bob"].id)
    assert impact.visits == 1
    user_id, member_id = world["bob"].user_id, world["bob"].id
    service.delete_member(db, admin, member_id)
    db.expire_all()
    assert db.get(User, user_id) is None
    assert db.exec(select(CheckIn).where(CheckIn.member_id == member_id)).all() == []
    with pytest.raises(NotFound):
        service.get_member_profile(db, admin, uuid.uuid4())
