"""The members directory's page query: statements cached by shape, the capped count and the walk planner.

Cohesive rather than small: the statements, the cap and the planner's budgets are tuned together (see
`list_members`), and splitting them would scatter one performance argument over several files."""

from __future__ import annotations

import dataclasses
import functools
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from thrust.auth.rbac import Actor, require
from thrust.core.paging import Page
from thrust.gym import clock
from thrust.members import word_search
from thrust.members.capabilities import (
    VIEW_MEMBERS,
)
from thrust.members.directory_sql import (
    matches,
    page_ids,
    people,
    row_tests,
    seek,
    sort_keys,
)
from thrust.members.search import (
    Cursor,
    Matching,
    MemberFilters,
    Shape,
    SortKey,
    conditions_of,
    falls_back,
    membership_cue,
    shape_of,
)
from thrust.models import Member, MembershipTier, MemberStatus, Role, User


@dataclass(frozen=True)
class MemberSummary:
    """One row of the directory."""

    id: uuid.UUID
    full_name: str
    email: str
    phone: str | None
    membership_tier: MembershipTier
    status: MemberStatus
    membership_end: date
    membership_cue: str
    days_left: int
    trainer_id: uuid.UUID | None
    trainer_name: str | None
    last_visit_at: datetime | None


@dataclass(frozen=True)
class MemberPage(Page[MemberSummary]):
    total_is_exact: bool = True  # False: at least `total` match (the count was capped)
    # Where the rows found inside names begin ("also matching inside names": the search's words start
    # no word of theirs); None when every row's words start with the search's.
    inside_from: int | None = None
    next_after: Cursor | None = None  # where the next page starts, when this one is full

    def found_inside(self, row: int) -> bool:
        """Whether the page's row at this index holds the search only inside a word."""
        return self.inside_from is not None and row >= self.inside_from


def _today_in(session: Session, timezone: str | None) -> date:
    """Today where the gym is, from the timezone a directory statement read along with the rows."""
    return clock.GymClock.named(timezone).today() if timezone else clock.today(session)


# -- listing ---------------------------------------------------------------------------------------


# Below this many matches a page is found by filtering first and sorting the few matches; above it, by
# walking the sort's index until the page is full (matches are then dense enough to find quickly).
FILTER_FIRST_BELOW = 2_000
# How far the members page counts: a search up to 100 ("1–25 of 100+": time to narrow it down; every
# match counted is a members row read when filters or a trainer's scope apply), a plain list up to
# 10,000. Counting 100,000 rows exactly costs 20-30 ms on PostgreSQL once check-ins (which update
# last_visit_at) have dirtied the table's visibility map; the API counts exactly when asked.
SEARCH_COUNT_LIMIT = 100
BROWSE_COUNT_LIMIT = 10_000
# A search with more matches than the count limit walks the sort's index for its page, but only this
# far (plus WALK_ROWS_PER_ROW for every row up to the page's end): matches that cluster (a two-letter
# word prefix finds "Li..." first names, which sit together in name order) would make an unbounded walk
# read thousands of rows, where sorting the matches themselves takes a few milliseconds.
WALK_BUDGET = 2_000
WALK_ROWS_PER_ROW = 20
# Whether a walk is worth it depends on how many members match, which the capped count does not say:
# 1,500 matches are too sparse to walk to (the walk would fail and the matches be sorted anyway),
# 30,000 are too many to sort. A 1% sample of the table's pages (about 1,000 rows at 100,000 members,
# a fraction of a millisecond) estimates it: up to SORT_MATCHES_UP_TO, the matches are sorted at once.
SORT_MATCHES_UP_TO = 3_000
SAMPLE_PERCENT = 1.0


def count_limit_for(filters: MemberFilters) -> int:
    """What the members page passes as `count_up_to` for these filters."""
    return SEARCH_COUNT_LIMIT if filters.query else BROWSE_COUNT_LIMIT


def found_by(shape: Shape, driven: tuple[int, int, bool] | None, walks: bool) -> Any:
    """The matches, through the words index when a term drives them (`word_search.driver_of`)."""
    if driven is None:
        return matches(shape, fenced=False)
    return word_search.hits(shape, *driven, lateral=walks)


@lru_cache(maxsize=256)
def _capped_statement(shape: Shape, walks: bool, driven: tuple[int, int, bool] | None = None) -> Any:
    """One statement: the matches (found through the search and filter indexes) counted up to `cap` + 1,
    and the page sorted among them.

    With `walks` (PostgreSQL) it also holds the page for more than `cap` matches: when a sample says
    they are many, a bounded walk of the sort's index; when they are few, or the walk does not fill the
    page, all matches sorted. PostgreSQL runs only the branches whose one-time filters hold (and
    computes a CTE or sample only when a filter asks for it), so this costs no second round trip.
    """
    cap: sa.BindParameter[int] = sa.bindparam("cap")
    if not walks:
        hits = found_by(shape, driven, walks).limit(sa.bindparam("cap_plus_one")).cte("hits")
        found = select(sa.func.count()).select_from(hits).scalar_subquery()
        ids = page_ids(hits.c, shape).subquery("from_hits")
        counted = select(found.label("total")).subquery("counted")
        return people(sa.join(counted, ids, sa.true(), isouter=True), ids, shape, counted.c.total)

    # All matches, materialized as they are read: the count reads the first `cap` + 1, sorting reads
    # on from there. Without a LIMIT of its own the CTE is planned for all its rows (the search index);
    # with one, a high guess at how many match made PostgreSQL scan the table for the "first few".
    hits = found_by(shape, driven, walks).cte("hits").prefix_with("MATERIALIZED")
    first = select(hits.c.id).limit(sa.bindparam("cap_plus_one")).subquery("first_hits")
    # Counted once, in a CTE of its own: each use of a scalar subquery would count the hits again.
    counted_hits = select(sa.func.count().label("matches")).select_from(first).cte("counted_hits")
    found = select(counted_hits.c.matches).scalar_subquery()
    sorted_hits = page_ids(hits.c, shape).subquery("sorted_hits")

    where = row_tests(shape)
    hit = sa.and_(*where) if where else sa.true()
    scanned = (
        select(col(Member.id).label("id"), hit.label("hit"))
        .where(*seek(shape))
        .order_by(*sort_keys(shape))
        .limit(sa.bindparam("walk_budget"))
        .subquery("scanned")
    )
    walked = (
        select(scanned.c.id)
        .where(scanned.c.hit)
        .offset(sa.bindparam("offset"))
        .limit(sa.bindparam("limit"))
        .cte("walked")
    )
    counted_walk = select(sa.func.count().label("rows")).select_from(walked).cte("counted_walk")
    page_filled = select(counted_walk.c.rows).scalar_subquery() >= sa.bindparam("limit")
    sample = sa.tablesample(
        Member.__table__,  # type: ignore[attr-defined]
        sa.func.system(sa.bindparam("sample_percent", type_=sa.Float)),
        name="sampled",
        seed=sa.literal(42),  # the same pages each time: the same query takes the same path
    )
    sampled = (
        select(sa.func.count().label("matches"))
        .select_from(sample)
        .where(*conditions_of(shape, columns=sample.c))
        .cte("sampled")
    )
    many = select(sampled.c.matches).scalar_subquery() > sa.bindparam("sample_matches_up_to")
    ids = sa.union_all(
        select(walked.c.id).where(found > cap, many, page_filled),
        # Conditions are tried in order: a count within the cap decides before the sample is taken.
        select(sorted_hits.c.id).where(sa.or_(found <= cap, sa.not_(many), sa.not_(page_filled))),
    ).subquery("page")
    counted = select(found.label("total")).subquery("counted")
    return people(sa.join(counted, ids, sa.true(), isouter=True), ids, shape, counted.c.total)


@lru_cache(maxsize=256)
def _count_statement(shape: Shape, capped: bool) -> Any:
    """How many members match; capped, it stops once `cap_plus_one` are found."""
    if not capped:
        return select(sa.func.count()).select_from(Member).where(*conditions_of(shape))
    found = select(Member.id).where(*conditions_of(shape)).limit(sa.bindparam("cap_plus_one")).subquery()
    return select(sa.func.count()).select_from(found)


@lru_cache(maxsize=256)
def _page_statement(
    shape: Shape, filter_first: bool, driven: tuple[int, int, bool] | None = None, walks: bool = False
) -> Any:
    """The page's rows: sorted among the (few) matches, or by walking the sort's index, keeping
    matching rows until the page is full (many matches)."""
    if filter_first:
        found = matches(shape, fenced=True) if driven is None else found_by(shape, driven, walks)
        ids = page_ids(found.subquery("matches").c, shape).subquery("page")
    else:
        ids = page_ids(Member, shape, *row_tests(shape)).subquery("page")
    return people(ids, ids, shape)


def _core(session: Session, statement: Any, params: dict[str, Any]) -> Any:
    """Run a plain-columns statement on the session's connection (no ORM layer: these rows are tuples)."""
    return session.connection().execute(statement, params)


def list_members(
    session: Session, actor: Actor, filters: MemberFilters, *, count_up_to: int | None = None
) -> MemberPage:
    """One page of the directory, searched, filtered and sorted in SQL; never the whole table.

    A search finds the members one of whose words each search word starts (name words, email, phone
    digits), through the words index. When those fill less than a page, the members whose text holds
    the search's words elsewhere ("tone" in "Stone") follow them, marked (`inside_from`): a fallback,
    since a substring is found by trigrams, which must collect every match before sorting one.

    `count_up_to` stops counting past that many matches (the members page says "100+" rather than
    count a broad search to the end; see `count_limit_for`); `total_is_exact` on the page tells which it
    is. Without it (the API) the count is exact.
    """
    require(actor, *VIEW_MEMBERS)
    _serial(session)
    # Filters on the end date need today first; otherwise today (for the rows' cues) comes from the
    # timezone the page's statement returns.
    dated = filters.expiring_within_days is not None or filters.expired or filters.started_this_month
    known_today = clock.today(session) if dated else None
    after, limit = filters.after, filters.limit
    offset = 0 if after is not None else (filters.page - 1) * limit
    past_prefix = after is not None and after.inside  # the cursor is within the inside part
    find = functools.partial(_find, session, actor, filters, known_today)
    prefix_window = (offset, 0 if past_prefix else limit)
    found = find((Matching.PREFIX, None if past_prefix else after), prefix_window, count_up_to)
    if not falls_back(filters) or not found.total_is_exact or found.total >= limit:
        return _with_next(found, filters, inside=False)
    inside_window = (max(0, offset - found.total), limit - len(found.rows))
    inside_up_to = None if count_up_to is None else max(1, count_up_to - found.total)
    inside = find((Matching.INSIDE, after if past_prefix else None), inside_window, inside_up_to)
    both = dataclasses.replace(
        found,
        rows=[*found.rows, *inside.rows],
        total=found.total + inside.total,
        total_is_exact=inside.total_is_exact,
        inside_from=len(found.rows) if inside.rows else None,
    )
    return _with_next(both, filters, inside=bool(inside.rows))


# The API's `total` (unless asked `count=exact`): counted exactly up to this many matches, estimated
# beyond by the planner (PostgreSQL; SQLite counts, its lists are small).
API_EXACT_UP_TO = 1_000


def list_members_counted(
    session: Session, actor: Actor, filters: MemberFilters, *, exact: bool
) -> MemberPage:
    """A page as the API gives it: with the exact total, or (`exact` False) the total counted up to
    API_EXACT_UP_TO and estimated beyond that (`total_is_exact` False)."""
    if exact or session.get_bind().dialect.name != "postgresql":
        return list_members(session, actor, filters)
    page = list_members(session, actor, filters, count_up_to=API_EXACT_UP_TO)
    if page.total_is_exact:
        return page
    return dataclasses.replace(page, total=max(page.total + 1, _estimate(session, actor, filters)))


def _estimate(session: Session, actor: Actor, filters: MemberFilters) -> int:
    """How many members the planner expects these filters to match (its statistics; no rows read).
    More than API_EXACT_UP_TO match here, so a search's prefix matches are a page and more: no fallback."""
    shape, params = shape_of(filters, clock.today(session), actor, Matching.PREFIX)
    statement = _count_statement(shape, False).compile(dialect=session.get_bind().dialect)
    plan = (
        session.connection()
        .exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(statement), statement.construct_params(params))
        .scalar_one()
    )
    top = (plan[0] if isinstance(plan, list) else json.loads(plan)[0])["Plan"]
    counted = top.get("Plans", [top])[0]  # the aggregate's input: the matching rows
    return int(counted.get("Plan Rows", 0))


def _serial(session: Session) -> None:
    """No parallel workers and no JIT for the directory's statements (PostgreSQL, this transaction):
    they read a page's worth of index entries, in order, and stop. A planner that costs them as if
    they read every match (a lookup per candidate, thousands) would start workers (5-20 ms before the
    first row) and compile the plan (20 ms), for rows the LIMIT never takes."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql(
            "SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)"
        )


def _with_next(page: MemberPage, filters: MemberFilters, *, inside: bool) -> MemberPage:
    """The page with the cursor after its last row, when it is full (more may follow)."""
    if len(page.rows) < filters.limit or not page.rows:
        return page
    last = page.rows[-1]
    value = {
        SortKey.NAME: last.full_name,
        SortKey.MEMBERSHIP_END: last.membership_end,
        SortKey.LAST_VISIT: last.last_visit_at,
    }[filters.sort]
    cursor = Cursor.after_row(filters.sort, filters.descending, value, last.id, inside)
    return dataclasses.replace(page, next_after=cursor)


def _find(
    session: Session,
    actor: Actor,
    filters: MemberFilters,
    known_today: date | None,
    how: tuple[Matching, Cursor | None],
    window: tuple[int, int],
    count_up_to: int | None,
) -> MemberPage:
    """The rows `offset` to `offset + limit` (`window`) of the members these filters match the way
    given, after the cursor if there is one, and how many match."""
    (matching, after), (offset, limit) = how, window
    shape, params = shape_of(filters, known_today or date.min, actor, matching, after)
    params.update(offset=offset, limit=limit)

    if word_search.serves(shape):  # word starts in name order: the name-ordered words indexes
        driver, group, longer = word_search.driver_of(shape, params)
        capped = count_up_to is not None
        if capped:
            params.update(cap_plus_one=max(1, count_up_to or 0) + 1)
        statement = word_search.page_statement(shape, driver, group, longer, capped)
        found = _core(session, statement, params).all()
        timezone, total = found[0][0], int(found[0][1])  # outer joins: always a row
        today = known_today or _today_in(session, timezone)
        rows = [row[2:] for row in found if row[2] is not None]
        if count_up_to is not None and total > count_up_to:
            return _page(rows, max(1, count_up_to), False, filters, today)
        return _page(rows, total, True, filters, today)

    if count_up_to is not None and count_up_to <= FILTER_FIRST_BELOW:
        cap = max(1, count_up_to)
        walks = session.get_bind().dialect.name == "postgresql"
        params.update(
            cap=cap,
            cap_plus_one=cap + 1,
            walk_budget=WALK_BUDGET + WALK_ROWS_PER_ROW * (offset + limit),
            sample_percent=SAMPLE_PERCENT,
            sample_matches_up_to=round(SORT_MATCHES_UP_TO * SAMPLE_PERCENT / 100),
        )
        driven = word_search.driver_of(shape, params) if "prefix" in shape.terms else None
        found = _core(session, _capped_statement(shape, walks, driven), params).all()
        timezone, total = found[0][0], int(found[0][1])  # outer joins: always a row
        today = known_today or _today_in(session, timezone)
        people = [row[2:] for row in found if row[2] is not None]
        if total <= cap:
            return _page(people, total, True, filters, today)
        if walks:
            return _page(people, cap, False, filters, today)
        # SQLite: more matches than the cap, so walk the sort's index for the page.
        people = [row[1:] for row in _core(session, _page_statement(shape, False), params).all()]
        return _page(people, cap, False, filters, today)

    walks = session.get_bind().dialect.name == "postgresql"
    driven = word_search.driver_of(shape, params) if "prefix" in shape.terms else None
    if count_up_to is None and driven is not None:
        total, exact = (
            int(_core(session, word_search.count_statement(shape, *driven), params).scalar_one()),
            True,
        )
    elif count_up_to is None:
        total, exact = int(_core(session, _count_statement(shape, False), params).scalar_one()), True
    else:
        params.update(cap_plus_one=count_up_to + 1)
        matched = int(_core(session, _count_statement(shape, True), params).scalar_one())
        total, exact = min(matched, count_up_to), matched <= count_up_to
    if total == 0 or (exact and offset >= total) or limit <= 0:
        return _page([], total, exact, filters, known_today or date.min)  # no rows: no cues to word
    # Few matches: sort them; many: walk the sort's index until the page is full.
    filter_first = exact and total < FILTER_FIRST_BELOW
    rows = _core(session, _page_statement(shape, filter_first, driven, walks), params).all()
    today = known_today or _today_in(session, rows[0][0] if rows else None)
    return _page([row[1:] for row in rows], total, exact, filters, today)


def _page(people: list[Any], total: int, exact: bool, filters: MemberFilters, today: date) -> MemberPage:
    rows = []
    for row in people:
        member_id, full_name, phone, tier, status, end, trainer_id, last_visit_at, email, trainer_name = row
        rows.append(
            MemberSummary(
                id=member_id,
                full_name=full_name,
                email=email,
                phone=phone,
                membership_tier=MembershipTier(tier),
                status=MemberStatus(status),
                membership_end=end,
                membership_cue=membership_cue(end, today),
                days_left=(end - today).days,
                trainer_id=trainer_id,
                trainer_name=trainer_name,
                last_visit_at=last_visit_at,
            )
        )
    return MemberPage(rows=rows, total=total, page=filters.page, limit=filters.limit, total_is_exact=exact)


def list_trainers(session: Session, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    """Active trainers as (id, name), for filters and the trainer picker."""
    require(actor, *VIEW_MEMBERS)
    statement = (
        select(User.id, User.full_name)
        .where(User.role == Role.TRAINER, User.is_active.is_(True))  # type: ignore[attr-defined]
        .order_by(User.full_name)
    )
    return [(row[0], row[1]) for row in session.exec(statement).all()]
