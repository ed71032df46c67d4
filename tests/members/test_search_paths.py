"""The directory at scale, on both engines: word-prefix search through the words index with substring
matches as a marked fallback, the words the database keeps, and keyset paging against an exhaustive
ordering of every member."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tests.factories import actor_for, make_member, make_user
from thrust.core.errors import ValidationFailed
from thrust.members import directory
from thrust.members.search import MAX_OFFSET, Cursor, MemberFilters, SortKey, parse_filters
from thrust.models import Member, MemberSearchWord, Role, User


@pytest.fixture
def admin(db: Session) -> object:
    return actor_for(make_user(db, role=Role.ADMIN))


def names(page: directory.MemberPage) -> list[str]:
    return [row.full_name for row in page.rows]


def words_of(db: Session, member_id: uuid.UUID) -> set[str]:
    rows = db.exec(select(MemberSearchWord.word).where(MemberSearchWord.member_id == member_id)).all()
    return set(rows)


def test_the_database_keeps_each_members_search_words(db: Session) -> None:
    """Written by the database's triggers: on insert, when the text changes, and gone with the member."""
    member = make_member(db, full_name="Zoë Ångström", email="Zoe.A@Example.com", phone="+49 151 2345")
    assert words_of(db, member.id) == {"zoe", "angstrom", "zoe.a@example.com", "491512345"}
    member.search_text = " zoe smith zoe.a@example.com"
    db.add(member)
    db.flush()
    assert words_of(db, member.id) == {"zoe", "smith", "zoe.a@example.com"}
    db.delete(member)
    db.flush()
    assert words_of(db, member.id) == set()


def test_a_search_matches_word_starts_first_then_inside_names_marked(db: Session, admin: object) -> None:
    make_member(db, full_name="Bob Stone", email="bob@example.com", phone="+1 555 0100")
    make_member(db, full_name="Stella Maris", email="stella@example.com")
    make_member(db, full_name="Ana Firestone", email="ana@example.com")
    page = directory.list_members(db, admin, MemberFilters(query="ston"))
    # "Stone" starts with "ston"; "Firestone" holds it inside: listed after, and marked.
    assert names(page) == ["Bob Stone", "Ana Firestone"]
    assert (page.inside_from, page.total, page.total_is_exact) == (1, 2, True)
    plain = directory.list_members(db, admin, MemberFilters(query="stel"))
    assert names(plain) == ["Stella Maris"] and plain.inside_from is None
    # Only substrings match: every row is an "also inside" one.
    assert directory.list_members(db, admin, MemberFilters(query="tone")).inside_from == 0
    # Short terms never fall back to substrings ("st" is inside "Firestone" too).
    short = directory.list_members(db, admin, MemberFilters(query="st"))
    assert names(short) == ["Bob Stone", "Stella Maris"]
    # Email start, phone digits from the start and from inside, accents and case.
    assert names(directory.list_members(db, admin, MemberFilters(query="BOB@EX"))) == ["Bob Stone"]
    assert names(directory.list_members(db, admin, MemberFilters(query="+1 555"))) == ["Bob Stone"]
    inside_phone = directory.list_members(db, admin, MemberFilters(query="555 01"))
    assert names(inside_phone) == ["Bob Stone"] and inside_phone.inside_from == 0
    assert names(directory.list_members(db, admin, MemberFilters(query="STÉLLA már"))) == ["Stella Maris"]


def test_a_full_page_of_word_starts_leaves_the_inside_matches_out(db: Session, admin: object) -> None:
    for n in range(3):
        make_member(db, full_name=f"Mark {n}")
    make_member(db, full_name="Anne Marker")  # "mar" starts "Marker": a word start too
    make_member(db, full_name="Omar Khan")  # inside only
    page = directory.list_members(db, admin, MemberFilters(query="mar", limit=4))
    assert names(page) == ["Anne Marker", "Mark 0", "Mark 1", "Mark 2"]
    assert (page.total, page.inside_from) == (4, None)
    fuller = directory.list_members(db, admin, MemberFilters(query="mar", limit=5))
    assert names(fuller)[-1] == "Omar Khan" and fuller.inside_from == 4


def test_a_trainer_finds_only_assigned_members_both_ways(db: Session) -> None:
    coach = make_user(db, role=Role.TRAINER)
    make_member(db, full_name="Lena Stone", trainer=coach)
    make_member(db, full_name="Lena Firestone", trainer=coach)
    make_member(db, full_name="Lena Stoner")  # someone else's
    page = directory.list_members(db, actor_for(coach), MemberFilters(query="ston"))
    assert names(page) == ["Lena Stone", "Lena Firestone"] and page.inside_from == 1


SORTS = [(sort, descending) for sort in SortKey for descending in (False, True)]


def _exhaustive(db: Session, sort: SortKey, descending: bool) -> list[uuid.UUID]:
    """Every member in the directory's order, sorted here in Python."""
    members = db.exec(select(Member)).all()

    def key(member: Member) -> tuple[object, ...]:
        value = {
            SortKey.NAME: member.full_name,
            SortKey.MEMBERSHIP_END: member.membership_end,
            SortKey.LAST_VISIT: member.last_visit_at,
        }[sort]
        return (value is None, value, member.id) if sort is SortKey.LAST_VISIT else (value, member.id)

    if sort is SortKey.LAST_VISIT:
        visited = sorted((m for m in members if m.last_visit_at), key=key, reverse=descending)
        never = sorted((m for m in members if not m.last_visit_at), key=lambda m: m.id, reverse=descending)
        return [m.id for m in visited + never]
    return [m.id for m in sorted(members, key=key, reverse=descending)]


@pytest.mark.parametrize(("sort", "descending"), SORTS)
def test_keyset_pages_walk_the_whole_list_in_order(
    db: Session, admin: object, sort: SortKey, descending: bool
) -> None:
    today, now = date.today(), datetime.now(UTC).replace(microsecond=0)
    for n in range(29):
        make_member(
            db,
            full_name=f"Member {n % 6}",  # ties: the id decides
            end=today + timedelta(days=n % 4),
            last_visit_at=None if n % 5 == 0 else now - timedelta(hours=n % 3),
        )
    expected = _exhaustive(db, sort, descending)
    for count_up_to in (None, 10, 1_000):
        seen: list[uuid.UUID] = []
        after: Cursor | None = None
        for _ in range(10):
            filters = MemberFilters(sort=sort, descending=descending, limit=4, after=after)
            page = directory.list_members(db, admin, filters, count_up_to=count_up_to)
            seen += [row.id for row in page.rows]
            if page.next_after is None:
                break
            after = Cursor.read(page.next_after.token())  # as a client sends it back
        assert seen == expected, count_up_to


def test_keyset_paging_continues_into_the_inside_matches(db: Session, admin: object) -> None:
    for n in range(2):
        make_member(db, full_name=f"Stone {n}")
    for n in range(5):
        make_member(db, full_name=f"Fire Redstone {n}")
    first = directory.list_members(db, admin, MemberFilters(query="stone", limit=3))
    assert names(first) == ["Stone 0", "Stone 1", "Fire Redstone 0"] and first.inside_from == 2
    assert first.next_after is not None and first.next_after.inside
    second = directory.list_members(db, admin, MemberFilters(query="stone", limit=3, after=first.next_after))
    assert names(second) == ["Fire Redstone 1", "Fire Redstone 2", "Fire Redstone 3"]
    assert second.inside_from == 0 and second.total == 7
    third = directory.list_members(db, admin, MemberFilters(query="stone", limit=3, after=second.next_after))
    assert names(third) == ["Fire Redstone 4"] and third.next_after is None


def test_cursors_and_deep_pages_are_checked() -> None:
    cursor = Cursor(SortKey.NAME, False, "Ana", uuid.uuid4())
    assert parse_filters({"after": cursor.token()}).after == cursor
    for bad in ("nonsense", "e30", cursor.token()[:-3]):
        with pytest.raises(ValidationFailed) as caught:
            parse_filters({"after": bad})
        assert [p.field for p in caught.value.details] == ["after"]
    with pytest.raises(ValidationFailed):  # a cursor of another order
        parse_filters({"after": cursor.token(), "sort": "lastVisit"})
    assert parse_filters({"page": str(MAX_OFFSET // 25 + 1)}).page == MAX_OFFSET // 25 + 1
    with pytest.raises(ValidationFailed) as deep:
        parse_filters({"page": str(MAX_OFFSET // 25 + 2)})
    assert "after" in deep.value.details[0].message


def test_counts_are_exact_when_asked_and_estimated_past_the_limit(
    db: Session, admin: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(6):
        make_member(db, full_name=f"Counted {n}")
    filters = MemberFilters(query="counted", limit=2)
    exact = directory.list_members_counted(db, admin, filters, exact=True)
    assert (exact.total, exact.total_is_exact) == (6, True)
    monkeypatch.setattr(directory, "API_EXACT_UP_TO", 3)
    estimated = directory.list_members_counted(db, admin, filters, exact=False)
    assert names(estimated) == ["Counted 0", "Counted 1"]
    if db.get_bind().dialect.name == "postgresql":
        # Past the limit: the planner's estimate, never below what was counted, and said to be one.
        assert estimated.total >= 4 and not estimated.total_is_exact
    else:  # SQLite's lists are small: always counted
        assert (estimated.total, estimated.total_is_exact) == (6, True)
    monkeypatch.setattr(directory, "API_EXACT_UP_TO", 100)
    within = directory.list_members_counted(db, admin, filters, exact=False)
    assert (within.total, within.total_is_exact) == (6, True)


def test_a_trainers_search_follows_assignments(db: Session) -> None:
    """The words index keeps each member's trainer: assigning or unassigning one is seen at once."""
    coach = make_user(db, role=Role.TRAINER)
    lena = make_member(db, full_name="Lena Stone")
    trainer = actor_for(coach)
    assert names(directory.list_members(db, trainer, MemberFilters(query="lena"))) == []
    lena.assigned_trainer_id = coach.id
    db.add(lena)
    db.flush()
    assert names(directory.list_members(db, trainer, MemberFilters(query="lena"), count_up_to=5)) == [
        "Lena Stone"
    ]
    by_filter = MemberFilters(query="sto", trainer_id=coach.id, sort=SortKey.MEMBERSHIP_END)
    assert names(directory.list_members(db, actor_for(make_user(db, role=Role.ADMIN)), by_filter)) == [
        "Lena Stone"
    ]
    lena.assigned_trainer_id = None
    db.add(lena)
    db.flush()
    assert names(directory.list_members(db, trainer, MemberFilters(query="lena"))) == []


def test_deleting_every_account_at_once_takes_the_words_too(db: Session) -> None:
    """A trainer's account and their members' accounts deleted in one statement: the members go (their
    accounts cascade) while the trainer's going sets their trainer to nothing; no word is left."""
    coach = make_user(db, role=Role.TRAINER)
    lena = make_member(db, full_name="Lena Stone", trainer=coach)
    db.exec(sa.delete(User).where(User.id.in_([coach.id, lena.user_id])))  # type: ignore[call-overload,attr-defined]
    db.flush()
    assert db.exec(select(sa.func.count()).select_from(MemberSearchWord)).one() == 0
