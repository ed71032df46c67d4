"""The directory's statement pieces, shared by its two search paths (thrust/members/directory.py and
word_search.py): the sort keys and the seek past a cursor, the page's ids, the matches, and the
directory's columns for a page of members."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from thrust.gym.service import GYM_ID
from thrust.members.search import Shape, SortKey, Trainer, conditions_of
from thrust.models import GymSettings, Member, User


def sort_keys(shape: Shape, source: Any = Member) -> list[Any]:
    """ORDER BY for the chosen sort; the id breaks ties in the same direction, so one index serves it."""
    column = sort_column(shape, source)
    key = column.desc() if shape.descending else column.asc()
    if shape.sort is SortKey.LAST_VISIT:
        key = key.nulls_last()  # never-visited members last, both ways
    tie: Any = source.id.desc() if shape.descending else source.id.asc()
    return [key, tie]


HIT_COLUMNS: tuple[Any, ...] = (Member.id, Member.full_name, Member.membership_end, Member.last_visit_at)
ROW_COLUMNS: tuple[Any, ...] = (
    Member.id,
    Member.full_name,
    Member.phone,
    Member.membership_tier,
    Member.status,
    Member.membership_end,
    Member.assigned_trainer_id,
    Member.last_visit_at,
    User.email,
    col(Trainer.full_name).label("trainer_name"),
)


def sort_column(shape: Shape, source: Any = Member) -> Any:
    return {
        SortKey.NAME: source.full_name,
        SortKey.MEMBERSHIP_END: source.membership_end,
        SortKey.LAST_VISIT: source.last_visit_at,
    }[shape.sort]


def seek(shape: Shape, source: Any = Member) -> list[Any]:
    """After a cursor: the rows past it in the page's order, as a condition an index can start from
    (`(name, id) > ('Maria', id)`), so a deep page costs what the first one does."""
    if not shape.seek:
        return []
    column = sort_column(shape, source)
    member_id = sa.bindparam("f_seek_id", type_=Member.__table__.c.id.type)  # type: ignore[attr-defined]

    def past(a: Any, b: Any) -> Any:
        return a < b if shape.descending else a > b

    if shape.seek == "null":  # within the never-visited members, which close the list both ways
        return [column.is_(None), past(source.id, member_id)]
    value = sa.bindparam("f_seek_value", type_=column.type)
    beyond = past(sa.tuple_(column, source.id), sa.tuple_(value, member_id))
    return [sa.or_(beyond, column.is_(None))] if shape.sort is SortKey.LAST_VISIT else [beyond]


def page_ids(source: Any, shape: Shape, *conditions: Any) -> Any:
    """The page's member ids from `source` (the members table or a set of matches) that meet
    `conditions`, in the page's order."""
    if shape.seek == "value" and shape.sort is SortKey.LAST_VISIT:
        return _visited_then_never(source, shape, conditions)
    return (
        select(source.id.label("id"))
        .where(*seek(shape, source), *conditions)
        .order_by(*sort_keys(shape, source))
        .offset(sa.bindparam("offset"))
        .limit(sa.bindparam("limit"))
    )


def _visited_then_never(source: Any, shape: Shape, conditions: tuple[Any, ...]) -> Any:
    """After a cursor on a visited member, by last visit: the visited members past it, then the
    never-visited ones, each read as a range of its index (`(last visit, id) > (...)` and `IS NULL`):
    the one condition "past it or never visited" would make the planner read the index from its start.
    A cursor means the page starts right after it (no offset)."""
    column = sort_column(shape, source)
    value = sa.bindparam("f_seek_value", type_=column.type)
    member_id = sa.bindparam("f_seek_id", type_=Member.__table__.c.id.type)  # type: ignore[attr-defined]
    pair, cursor = sa.tuple_(column, source.id), sa.tuple_(value, member_id)
    beyond = pair < cursor if shape.descending else pair > cursor
    tie = source.id.desc() if shape.descending else source.id.asc()
    parts = [
        select(source.id.label("id"), column.label("key"))
        .where(beyond, *conditions)
        .order_by(column.desc() if shape.descending else column.asc(), tie)
        .limit(sa.bindparam("limit"))
        .subquery("visited"),
        select(source.id.label("id"), column.label("key"))
        .where(column.is_(None), *conditions)
        .order_by(tie)
        .limit(sa.bindparam("limit"))
        .subquery("never"),
    ]
    both = sa.union_all(*(select(part.c.id, part.c.key) for part in parts)).subquery("visited_then_never")
    key = (both.c.key.desc() if shape.descending else both.c.key.asc()).nulls_last()
    return (
        select(both.c.id.label("id"))
        .order_by(key, both.c.id.desc() if shape.descending else both.c.id.asc())
        .limit(sa.bindparam("limit"))
    )


def matches(shape: Shape, *, fenced: bool) -> Any:
    """The matching members' ids and sort columns. Fenced (OFFSET 0), the planner finds them through
    the filter indexes first instead of walking a sort index (for sorting a few matches)."""
    statement = select(*HIT_COLUMNS).where(*conditions_of(shape))
    return statement.offset(0) if fenced else statement


def row_tests(shape: Shape) -> list[Any]:
    """The shape's conditions tested on each row (walking a sort's index), not looked up in an index."""
    return conditions_of(shape, indexed=False)


def people(base: Any, ids: Any, shape: Shape, *leading: Any) -> Any:
    """The gym's timezone, then the directory's columns for the members `ids` (a subquery within
    `base`) names, in page order: the timezone rides along rather than cost a round trip of its own.

    Outer joins, so that `leading` columns (a count) still arrive when the page is empty.
    """
    timezone = select(GymSettings.timezone).where(col(GymSettings.id) == GYM_ID).scalar_subquery()
    joined = (
        base.outerjoin(Member, Member.id == ids.c.id)
        .outerjoin(User, User.id == Member.user_id)
        .outerjoin(Trainer, Trainer.id == Member.assigned_trainer_id)
    )
    return (
        select(timezone.label("gym_timezone"), *leading, *ROW_COLUMNS)
        .select_from(joined)
        .order_by(*sort_keys(shape))
    )
