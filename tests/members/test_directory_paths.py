"""The directory's fast paths on both engines: short search terms, capped counts, and the two ways a
page is found (filter first, or walk the sort's index) giving the same rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from tests.factories import actor_for, make_member, make_user
from thrust.members import directory
from thrust.members.search import MemberFilters, SortKey
from thrust.models import MemberStatus, Role


@pytest.fixture
def admin(db: Session) -> object:
    return actor_for(make_user(db, role=Role.ADMIN))


def names(page: directory.MemberPage) -> list[str]:
    return [row.full_name for row in page.rows]


def test_one_or_two_letters_match_the_start_of_a_word(db: Session, admin: object) -> None:
    make_member(db, full_name="Zoë Ångström", email="zoe@example.com")
    make_member(db, full_name="Ana Ruiz", email="ana@example.com")
    make_member(db, full_name="Bob Stone", email="bob@example.com")
    # "ex" is inside every email ("example.com"): as a word start it matches nobody.
    assert directory.list_members(db, admin, MemberFilters(query="ex")).total == 0
    assert names(directory.list_members(db, admin, MemberFilters(query="an"))) == ["Ana Ruiz", "Zoë Ångström"]
    assert names(directory.list_members(db, admin, MemberFilters(query="ZÖ"))) == ["Zoë Ångström"]
    assert names(directory.list_members(db, admin, MemberFilters(query="st"))) == ["Bob Stone"]
    assert names(directory.list_members(db, admin, MemberFilters(query="bo st"))) == ["Bob Stone"]
    # Three letters and more match anywhere, as before.
    assert names(directory.list_members(db, admin, MemberFilters(query="tone"))) == ["Bob Stone"]


@pytest.mark.parametrize("one_statement", [True, False])
def test_a_capped_count_says_so_and_still_pages_in_order(
    db: Session, admin: object, monkeypatch: pytest.MonkeyPatch, one_statement: bool
) -> None:
    if not one_statement:  # a cap above FILTER_FIRST_BELOW counts first, then finds the page
        monkeypatch.setattr(directory, "FILTER_FIRST_BELOW", 2)
    for n in range(7):
        make_member(db, full_name=f"Maria {n}")
    make_member(db, full_name="Other Person")
    capped = directory.list_members(db, admin, MemberFilters(query="maria", limit=3), count_up_to=4)
    assert (capped.total, capped.total_is_exact) == (4, False)
    assert names(capped) == ["Maria 0", "Maria 1", "Maria 2"]
    third = directory.list_members(db, admin, MemberFilters(query="maria", limit=3, page=3), count_up_to=4)
    assert names(third) == ["Maria 6"] and not third.total_is_exact
    exact = directory.list_members(db, admin, MemberFilters(query="maria", limit=3, page=3), count_up_to=100)
    assert (exact.total, exact.total_is_exact, names(exact)) == (7, True, ["Maria 6"])
    assert directory.list_members(db, admin, MemberFilters(query="maria", page=9), count_up_to=100).rows == []
    nobody = directory.list_members(db, admin, MemberFilters(query="nobody here"), count_up_to=100)
    assert (nobody.total, nobody.total_is_exact, nobody.rows) == (0, True, [])


SORTS = [
    (SortKey.NAME, False),
    (SortKey.NAME, True),
    (SortKey.MEMBERSHIP_END, False),
    (SortKey.MEMBERSHIP_END, True),
    (SortKey.LAST_VISIT, False),
    (SortKey.LAST_VISIT, True),
]


@pytest.mark.parametrize(("sort", "descending"), SORTS)
def test_filtering_first_and_walking_the_index_give_the_same_pages(
    db: Session, admin: object, monkeypatch: pytest.MonkeyPatch, sort: SortKey, descending: bool
) -> None:
    today = date.today()
    now = datetime.now(UTC)
    for n in range(23):
        make_member(
            db,
            full_name=f"Member {n % 7}",  # ties on the name: the id decides
            end=today + timedelta(days=n % 5),
            last_visit_at=None if n % 4 == 0 else now - timedelta(hours=n % 6),
            status=MemberStatus.FROZEN if n % 3 == 0 else MemberStatus.ACTIVE,
        )

    def pages(query: str = "", **counting: int) -> list[list[tuple[str, object, object]]]:
        out = []
        for page in range(1, 5):
            filters = MemberFilters(query=query, sort=sort, descending=descending, page=page, limit=6)
            result = directory.list_members(db, admin, filters, **counting)
            out.append([(row.full_name, row.id, row.last_visit_at) for row in result.rows])
        return out

    monkeypatch.setattr(directory, "FILTER_FIRST_BELOW", 1_000)
    filtered_first = pages()
    searched_first = pages(count_up_to=1_000)
    # A search matching more members than its count's cap ("member" matches all 23): the page comes
    # from sorting the matches (a sample says they are few), from walking the sort's index (they are
    # many), or, when the walk's budget runs out first, from sorting the matches after all.
    searched_sorted = pages("member", count_up_to=2)
    monkeypatch.setattr(directory, "SAMPLE_PERCENT", 100.0)
    monkeypatch.setattr(directory, "SORT_MATCHES_UP_TO", 0)
    searched_walked = pages("member", count_up_to=2)
    monkeypatch.setattr(directory, "WALK_BUDGET", 3)
    monkeypatch.setattr(directory, "WALK_ROWS_PER_ROW", 0)
    walked_then_sorted = pages("member", count_up_to=2)
    monkeypatch.setattr(directory, "FILTER_FIRST_BELOW", 0)
    walked = pages()
    assert (
        filtered_first == walked == searched_first == searched_sorted == searched_walked == walked_then_sorted
    )
    flat = [entry for page in walked for entry in page]
    assert len(flat) == len(set(flat)) == 23
    if sort is SortKey.LAST_VISIT:
        # Never-visited members close the list, in both directions.
        visited = [last is not None for _, _, last in flat]
        assert visited == sorted(visited, reverse=True) and visited.count(False) == 6
