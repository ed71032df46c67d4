"""Bulk status changes, CSV export and CSV import on both engines."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import insert as sa_insert
from sqlmodel import Session, func, select

from tests.factories import actor_for, make_member, make_user
from thrust.core.errors import PermissionDenied, ValidationFailed
from thrust.members import bulk, csv_export, csv_import
from thrust.members.search import MemberFilters
from thrust.models import Member, MembershipTier, MemberStatus, Role, User


@pytest.fixture
def admin(db: Session) -> User:
    return make_user(db, role=Role.ADMIN)


def _statuses(db: Session) -> dict[str, MemberStatus]:
    return {m.full_name: m.status for m in db.exec(select(Member)).all()}


def test_bulk_action_on_selected_rows(db: Session, admin: User) -> None:
    a, b, _ = (make_member(db, full_name=n) for n in ("A One", "B Two", "C Three"))
    changed = bulk.apply_bulk_action(db, actor_for(admin), bulk.BulkAction.FREEZE, member_ids=[a.id, b.id])
    db.expire_all()
    assert changed == 2
    assert _statuses(db) == {
        "A One": MemberStatus.FROZEN,
        "B Two": MemberStatus.FROZEN,
        "C Three": MemberStatus.ACTIVE,
    }


def test_bulk_action_on_everyone_matching_a_filter(db: Session, admin: User) -> None:
    for n in range(30):
        make_member(db, full_name=f"Vip {n:02d}", tier=MembershipTier.VIP)
    make_member(db, full_name="Basic Person")
    filters = MemberFilters(tiers=(MembershipTier.VIP,))
    assert bulk.count_targets(db, actor_for(admin), filters=filters) == 30
    assert bulk.apply_bulk_action(db, actor_for(admin), bulk.BulkAction.DEACTIVATE, filters=filters) == 30
    db.expire_all()
    statuses = _statuses(db)
    assert statuses["Basic Person"] == MemberStatus.ACTIVE
    assert sum(s == MemberStatus.INACTIVE for s in statuses.values()) == 30


def test_freezing_or_deactivating_in_bulk_ends_those_members_sessions(db: Session, admin: User) -> None:
    from tests.members.test_service import _live_sessions, _works

    vips = [make_member(db, full_name=f"Vip {n}", tier=MembershipTier.VIP) for n in range(3)]
    picked, bystander = make_member(db, full_name="Picked"), make_member(db, full_name="Bystander")
    tokens = {m.full_name: _live_sessions(db, m) for m in [*vips, picked, bystander]}
    actor = actor_for(admin)
    # Activating ends nothing.
    bulk.apply_bulk_action(db, actor, bulk.BulkAction.ACTIVATE, member_ids=[picked.id])
    assert all(_works(db, t) for t in tokens["Picked"])
    bulk.apply_bulk_action(
        db, actor, bulk.BulkAction.FREEZE, filters=MemberFilters(tiers=(MembershipTier.VIP,))
    )
    bulk.apply_bulk_action(db, actor, bulk.BulkAction.DEACTIVATE, member_ids=[picked.id])
    for member in [*vips, picked]:
        assert not any(_works(db, t) for t in tokens[member.full_name]), member.full_name
    assert all(_works(db, t) for t in tokens["Bystander"])


def test_bulk_actions_are_for_admins_only(db: Session) -> None:
    coach = make_user(db, role=Role.TRAINER)
    mine = make_member(db, trainer=coach)
    with pytest.raises(PermissionDenied):
        bulk.apply_bulk_action(db, actor_for(coach), bulk.BulkAction.ACTIVATE, member_ids=[mine.id])


def test_bulk_input_is_validated(db: Session, admin: User) -> None:
    with pytest.raises(ValidationFailed):
        bulk.parse_action("delete-everything")
    with pytest.raises(ValidationFailed):
        bulk.parse_ids(["x"] * 5000)
    with pytest.raises(ValidationFailed):
        bulk.apply_bulk_action(db, actor_for(admin), bulk.BulkAction.FREEZE)  # neither ids nor filter


def _export(db: Session, actor_user: User, filters: MemberFilters | None = None) -> list[dict[str, str]]:
    text = "".join(csv_export.export_members(db, actor_for(actor_user), filters or MemberFilters()))
    return list(csv.DictReader(io.StringIO(text)))


def test_export_is_formula_safe_and_scoped(db: Session, admin: User) -> None:
    coach = make_user(db, role=Role.TRAINER)
    make_member(db, full_name='=HYPERLINK("http://evil")', phone="+1 555 0100", trainer=coach)
    make_member(db, full_name="@SUM(A1:A9)")
    make_member(db, full_name="Plain Name")
    rows = _export(db, admin)
    assert [r["fullName"] for r in rows] == ['\'=HYPERLINK("http://evil")', "'@SUM(A1:A9)", "Plain Name"]
    assert rows[0]["phone"] == "'+1 555 0100"
    assert list(rows[0]) == list(csv_export.COLUMNS)
    assert [r["fullName"] for r in _export(db, coach)] == ['\'=HYPERLINK("http://evil")']


def test_export_neutralises_every_formula_start(db: Session, admin: User) -> None:
    for name in ("-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"):
        make_member(db, full_name=name)
    names = sorted(r["fullName"] for r in _export(db, admin))
    assert names == sorted(["'-2+3+cmd|' /C calc'!A0", "'\t=1+1", "'\r=1+1"])


def test_export_streams_in_chunks(db: Session, admin: User) -> None:
    for n in range(450):
        make_member(db, full_name=f"Member {n:03d}")
    chunks = list(csv_export.export_members(db, actor_for(admin), MemberFilters()))
    assert len(chunks) >= 3
    assert sum(chunk.count("\n") for chunk in chunks) == 451


def test_export_of_more_rows_than_one_fetch_batch(db: Session, admin: User) -> None:
    # More rows than the server-side cursor fetches at once: the stream must survive batch boundaries.
    count = csv_export.BATCH + 150
    users, members = [], []
    for n in range(count):
        user_id, email = uuid.uuid4(), f"batch{n:05d}.{uuid.uuid4().hex[:6]}@example.com"
        users.append(
            {"id": user_id, "email": email, "password_hash": "!", "role": Role.MEMBER, "full_name": "x"}
        )
        members.append(
            {
                "id": uuid.uuid4(),
                "user_id": user_id,
                "full_name": f"Batch {n:05d}",
                "membership_start": date(2026, 1, 1),
                "membership_end": date(2027, 1, 1),
                "search_text": f" batch {n:05d} {email}",
            }
        )
    db.execute(sa_insert(User.__table__), users)
    db.execute(sa_insert(Member.__table__), members)
    rows = _export(db, admin)
    assert len(rows) == count
    assert rows[0]["fullName"] == "Batch 00000" and rows[-1]["fullName"] == f"Batch {count - 1:05d}"


GOOD_CSV = (
    b"Name;E-mail;Mobile;Birthday;Plan;Expiry;Coach\n"
    b"Lena Fischer;lena@example.com;+49 30 1234567;12.04.1990;premium;31.12.2027;coach@thrust.com\n"
    b"Jonas Weber;jonas@example.com;;01.01.1985;VIP;30.06.2027;\n"
)


def test_mapping_is_suggested_from_common_header_names() -> None:
    headers = csv_import.read_csv(GOOD_CSV).headers
    assert csv_import.suggest_mapping(headers) == {
        "Name": "fullName",
        "E-mail": "email",
        "Mobile": "phone",
        "Birthday": "dateOfBirth",
        "Plan": "membershipTier",
        "Expiry": "membershipEnd",
        "Coach": "trainerEmail",
    }


def test_dry_run_then_import(db: Session, admin: User) -> None:
    make_user(db, role=Role.TRAINER, email="coach@thrust.com")
    mapping = csv_import.suggest_mapping(csv_import.read_csv(GOOD_CSV).headers)
    before = db.exec(select(func.count()).select_from(Member)).one()
    plan = csv_import.plan_import(db, actor_for(admin), GOOD_CSV, mapping, "DD.MM.YYYY")
    assert plan.can_import and plan.ready == 2 and plan.problems == []
    assert db.exec(select(func.count()).select_from(Member)).one() == before  # a dry run writes nothing

    progress: list[tuple[int, int]] = []
    count = csv_import.run_import(
        db,
        actor_for(admin),
        GOOD_CSV,
        mapping,
        "DD.MM.YYYY",
        on_progress=lambda d, t: progress.append((d, t)),
    )
    assert count == 2 and progress[-1] == (2, 2)
    lena = db.exec(select(Member).where(Member.full_name == "Lena Fischer")).one()
    assert lena.membership_tier == MembershipTier.PREMIUM and lena.membership_end == date(2027, 12, 31)
    assert lena.assigned_trainer_id is not None and lena.status == MemberStatus.ACTIVE


def test_a_bad_row_is_reported_and_nothing_is_imported(db: Session, admin: User) -> None:
    make_member(db, full_name="Existing", email="taken@example.com")
    data = (
        b"fullName,email,membershipEnd,membershipTier\n"
        b"Good Row,good@example.com,2027-01-01,BASIC\n"
        b"Bad Date,bad@example.com,31/12/2027,BASIC\n"
        b",noname@example.com,2027-01-01,GOLD\n"
        b"Twice,good@example.com,2027-01-01,BASIC\n"
        b"Taken,taken@example.com,2027-01-01,BASIC\n"
    )
    mapping = csv_import.suggest_mapping(csv_import.read_csv(data).headers)
    plan = csv_import.plan_import(db, actor_for(admin), data, mapping)
    report = {(p.line, p.field) for p in plan.problems}
    assert report == {
        (3, "membershipEnd"),
        (4, "fullName"),
        (4, "membershipTier"),
        (5, "email"),
        (6, "email"),
    }
    assert plan.ready == 1 and not plan.can_import
    assert plan.duplicate_emails == ["good@example.com", "taken@example.com"]
    before = db.exec(select(func.count()).select_from(User)).one()
    with pytest.raises(ValidationFailed, match="nothing was imported"):
        csv_import.run_import(db, actor_for(admin), data, mapping)
    assert db.exec(select(func.count()).select_from(User)).one() == before


def test_import_refuses_bad_files_and_mappings(db: Session, admin: User) -> None:
    def problem(call: object) -> str:
        with pytest.raises(ValidationFailed) as caught:
            call()  # type: ignore[operator]
        return caught.value.details[0].message

    assert "larger than" in problem(lambda: csv_import.read_csv(b"a" * (csv_import.MAX_IMPORT_BYTES + 1)))
    assert "not a CSV" in problem(lambda: csv_import.read_csv(b"\x89PNG\x00\x00"))
    assert "Map a column" in problem(
        lambda: csv_import.plan_import(db, actor_for(admin), b"a,b\n1,2\n", {"a": "fullName"})
    )
    with pytest.raises(PermissionDenied):
        csv_import.plan_import(db, actor_for(make_user(db, role=Role.TRAINER)), GOOD_CSV, {})


def test_member_with_past_end_date_is_imported_inactive(db: Session, admin: User) -> None:
    ended = (date.today() - timedelta(days=40)).isoformat()
    data = f"fullName,email,membershipEnd\nOld Timer,old@example.com,{ended}\n".encode()
    mapping = csv_import.suggest_mapping(csv_import.read_csv(data).headers)
    csv_import.run_import(db, actor_for(admin), data, mapping)
    assert (
        db.exec(select(Member).where(Member.full_name == "Old Timer")).one().status == MemberStatus.INACTIVE
    )
