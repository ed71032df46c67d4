"""The directory's main search path: members one of whose words starts with each search word, in name
order, read off the name-ordered word indexes (member_search_words) only as far as a page and a capped
count need.

The driving term (the longest: the fewest matches) picks an index by its first one to three characters
("mar" -> the members with a word starting "mar", ordered by name); a longer term ("martinez") keeps the
entries whose word starts with all of it, read from the same index entry. The other terms, the filters
and the viewer's scope are tested on each member the index yields, in name order, until the page is
full: like walking the name index of the members table, but through only the members whose words start
right. A member with two such words ("Mar Martinez") is one entry after DISTINCT, which streams (the
entries arrive ordered by name and id).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from thrust.members.directory_sql import HIT_COLUMNS, people
from thrust.members.search import Shape, SortKey, conditions_of
from thrust.models import Member, MemberSearchWord

GROUP_MAX = 3  # the name-ordered indexes hold a word's first 1, 2 and 3 characters (migration 0014)

WORDS: Any = MemberSearchWord.__table__  # type: ignore[attr-defined]


def serves(shape: Shape) -> bool:
    """Whether this path answers the shape: a search of word starts only, in name order."""
    return shape.sort is SortKey.NAME and bool(shape.terms) and all(kind == "prefix" for kind in shape.terms)


def driver_of(shape: Shape, params: dict[str, Any]) -> tuple[int, int, bool]:
    """The driving term (the longest), the length of the index group it reads (1-3) and whether the
    term is longer than that (its entries are then kept by the word itself); sets `f_group`."""
    driver = max(range(len(shape.terms)), key=lambda index: len(params[f"f_lo{index}"]))
    term = params[f"f_lo{driver}"]
    group = min(len(term), GROUP_MAX)
    params["f_group"] = term[:group]
    return driver, group, len(term) > group


def _candidates(shape: Shape, driver: int, group: int, longer: bool) -> Any:
    """The members with a word in the driving term's index group (and, for a longer term, starting
    with all of it), within the trainer's scope or filter (kept on the entry), as (name, id) pairs: the
    index's own order, duplicates adjacent."""
    trainer = WORDS.c.assigned_trainer_id
    group_of: Any = sa.literal_column(f"substr(member_search_words.word, 1, {group})")
    conditions = [group_of == sa.bindparam("f_group")]
    if longer:
        conditions.append(WORDS.c.word >= sa.bindparam(f"f_lo{driver}"))
        conditions.append(WORDS.c.word < sa.bindparam(f"f_hi{driver}"))
    if shape.scope == "assigned":
        conditions.append(trainer == sa.bindparam("f_actor", type_=trainer.type))
    if shape.trainer == "one":
        conditions.append(trainer == sa.bindparam("f_trainer", type_=trainer.type))
    elif shape.trainer == "none":
        conditions.append(trainer.is_(None))
    return select(WORDS.c.full_name, WORDS.c.member_id).where(*conditions).distinct()


def _others(shape: Shape, driver: int) -> list[Any]:
    """Every condition but the ones the index entries answer (the driving term, the trainer's scope and
    the trainer filter), tested on the member's row."""
    terms = tuple("driven" if index == driver else kind for index, kind in enumerate(shape.terms))
    scope = "all" if shape.scope == "assigned" else shape.scope
    return conditions_of(dataclasses.replace(shape, terms=terms, scope=scope, trainer=""), indexed=False)


def _matching(candidates: Any, others: list[Any]) -> Any:
    """The candidates that meet the other conditions (read from the members table only when there are
    other conditions)."""
    if not others:
        return select(candidates.c.full_name, candidates.c.member_id)
    joined = candidates.join(Member, Member.id == candidates.c.member_id)
    return select(candidates.c.full_name, candidates.c.member_id).select_from(joined).where(*others)


def hits(shape: Shape, driver: int, group: int, longer: bool, *, lateral: bool) -> Any:
    """The matching members' ids and sort columns (as `directory_sql.matches`), found through the
    words index: in name order, one members row looked up per candidate, read only as far as the reader
    goes. `lateral` (PostgreSQL): so that the planner cannot trade the lookups for a scan of the whole
    table (SQLite has no LATERAL, and joins by lookups anyway)."""
    # In the index's order, so DISTINCT streams (no hash of every candidate before the first row).
    ordered = _candidates(shape, driver, group, longer).order_by(WORDS.c.full_name, WORDS.c.member_id)
    candidates = ordered.subquery("word_candidates")
    if not lateral:
        joined = candidates.join(Member, Member.id == candidates.c.member_id)
        return select(*HIT_COLUMNS).select_from(joined).where(*_others(shape, driver))
    member = (
        select(*HIT_COLUMNS)
        .where(Member.id == candidates.c.member_id, *_others(shape, driver))
        .limit(1)  # one row per id anyway; a LIMIT keeps the planner from pulling it up into a join
        .lateral("member")
    )
    return select(*member.c).select_from(candidates.join(member, sa.true()))


@lru_cache(maxsize=256)
def count_statement(shape: Shape, driver: int, group: int, longer: bool) -> Any:
    """How many members match, counted off the words index (an exact count: every candidate read)."""
    candidates = _candidates(shape, driver, group, longer).subquery("counted_candidates")
    counted = _matching(candidates, _others(shape, driver)).subquery("counted_matches")
    return select(sa.func.count()).select_from(counted)


@lru_cache(maxsize=256)
def page_statement(shape: Shape, driver: int, group: int, longer: bool, capped: bool) -> Any:
    """One statement: how many match (up to `cap_plus_one` when `capped`), the gym's timezone and the
    page's rows, in name order, after the cursor if the shape seeks."""
    others = _others(shape, driver)

    def name_order(source: Any) -> list[Any]:
        keys = (source.c.full_name, source.c.member_id)
        return [key.desc() for key in keys] if shape.descending else [key.asc() for key in keys]

    counted_from = _matching(_candidates(shape, driver, group, longer).subquery("counted_candidates"), others)
    if capped:
        counted_from = counted_from.limit(sa.bindparam("cap_plus_one"))
    found = select(sa.func.count()).select_from(counted_from.subquery("counted_matches")).scalar_subquery()

    candidates = _candidates(shape, driver, group, longer)
    if shape.seek:  # names and ids past the cursor's, in the page's direction
        after = sa.tuple_(WORDS.c.full_name, WORDS.c.member_id)
        cursor = sa.tuple_(
            sa.bindparam("f_seek_value", type_=WORDS.c.full_name.type),
            sa.bindparam("f_seek_id", type_=WORDS.c.member_id.type),
        )
        candidates = candidates.where(after < cursor if shape.descending else after > cursor)
    ordered = candidates.order_by(*name_order(WORDS)).subquery("candidates")
    page = (
        _matching(ordered, others)
        .order_by(*name_order(ordered))
        .offset(sa.bindparam("offset"))
        .limit(sa.bindparam("limit"))
        .subquery("page")
    )
    ids = select(page.c.member_id.label("id")).subquery("ids")
    counted = select(found.label("total")).subquery("counted")
    return people(sa.join(counted, ids, sa.true(), isouter=True), ids, shape, counted.c.total)
