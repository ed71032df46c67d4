"""Members: directory search and filters, profiles, and the rules for creating, changing and deleting them."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from thrust.auth.rbac import Actor, Permission, require
from thrust.auth.sessions import RevokeReason, forget_user, revoke_user_sessions
from thrust.core.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationFailed
from thrust.core.security import UNUSABLE_PASSWORD
from thrust.core.text import digits, fold, initials
from thrust.core.types import utcnow
from thrust.core.validation import EMAIL_TAKEN, UNSTORABLE_TEXT, FieldReader, is_storable
from thrust.gym import clock
from thrust.gym.service import GYM_ID
from thrust.members.capabilities import (
    CREATE_MEMBERS,
    DELETE_MEMBERS,
    MANAGE_MEMBERSHIPS,
    VIEW_MEMBERS,
    allowed,
)
from thrust.members.contact import sync_contact
from thrust.models import CheckIn, GymSettings, Member, MembershipTier, MemberStatus, Role, User, WorkoutPlan

MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000
DEFAULT_PAGE_SIZE = 25
MAX_QUERY_LENGTH = 100
MAX_EXPIRING_DAYS = 365
GENDERS = ("male", "female", "other")
OLDEST_AGE, YOUNGEST_AGE = 110, 5
# Changing these belongs to the gym's business side, which the seed gives admins only; the email is
# also the member's login (whoever changes it decides who can sign in as them).
ADMIN_ONLY_FIELDS = (
    "email",
    "membershipStart",
    "membershipEnd",
    "membershipTier",
    "status",
    "assignedTrainerId",
)
ADMIN_ONLY_MESSAGE = "Only an admin can change a member's email, membership dates, tier, status or trainer"
# A member whose membership stops (frozen or deactivated) is signed out everywhere.
SIGNED_OUT_STATUSES = (MemberStatus.FROZEN, MemberStatus.INACTIVE)

Trainer = aliased(User, name="trainer")
E = TypeVar("E", bound=StrEnum)


class SortKey(StrEnum):
    NAME = "name"
    MEMBERSHIP_END = "membershipEnd"
    LAST_VISIT = "lastVisit"


@dataclass(frozen=True)
class MemberFilters:
    """What the directory shows: a search, filters, an order and a page."""

    query: str = ""
    statuses: tuple[MemberStatus, ...] = ()
    tiers: tuple[MembershipTier, ...] = ()
    trainer_id: uuid.UUID | None = None
    unassigned: bool = False
    expiring_within_days: int | None = None
    expired: bool = False
    sort: SortKey = SortKey.NAME
    descending: bool = False
    page: int = 1
    limit: int = DEFAULT_PAGE_SIZE


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
class MemberPage:
    rows: list[MemberSummary]
    total: int
    page: int
    limit: int
    total_is_exact: bool = True  # False: at least `total` match (the count was capped)

    @property
    def total_pages(self) -> int:
        return max(1, -(-self.total // self.limit))


@dataclass(frozen=True)
class Visit:
    id: uuid.UUID
    check_in_time: datetime
    check_out_time: datetime | None
    minutes: int | None
    automatic: bool


@dataclass(frozen=True)
class MemberProfile:
    """A member's page: personal data, membership, trainer, recent visits and what the viewer may do."""

    member: Member
    email: str
    trainer_name: str | None
    membership_cue: str
    days_left: int
    visits_last_30_days: int
    average_visit_minutes: int | None
    visits: list[Visit]
    visits_total: int
    visits_page: int
    can_edit: bool
    can_edit_membership: bool
    can_delete: bool
    inside_now: bool = False
    allowed_actions: list[str] = field(default_factory=list)


# -- reading filters -------------------------------------------------------------------------------


def _many(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value) and len(value) <= 10:
        return list(value)
    return ["\x00invalid"]


def _choices(reader: FieldReader, value: Any, name: str, enum: type[E]) -> tuple[E, ...]:
    """A comma-separated list (or list) of enum values, e.g. status=ACTIVE,FROZEN."""
    chosen: list[E] = []
    for item in _many(value):
        try:
            chosen.append(enum(item.strip().upper()))
        except ValueError:
            options = ", ".join(member.value for member in enum)
            reader.fail(name, f"{name.capitalize()} must be one of {options}")
    return tuple(dict.fromkeys(chosen))


def parse_filters(raw: Mapping[str, Any]) -> MemberFilters:
    """Validate the directory's query (API query string or UI state); ValidationFailed names bad fields."""
    reader = FieldReader(raw)
    query = raw.get("q") or ""
    if not isinstance(query, str) or len(query) > MAX_QUERY_LENGTH:
        reader.fail("q", f"Search must be text of at most {MAX_QUERY_LENGTH} characters")
        query = ""
    elif not is_storable(query):
        reader.fail("q", UNSTORABLE_TEXT)
        query = ""
    statuses = _choices(reader, raw.get("status"), "status", MemberStatus)
    tiers = _choices(reader, raw.get("tier"), "tier", MembershipTier)
    trainer_raw = raw.get("trainerId")
    unassigned = trainer_raw == "none"
    trainer_id = None if unassigned else reader.identifier("trainerId", "Trainer")
    expiring = reader.integer("expiringWithinDays", "Expiring within", minimum=0, maximum=MAX_EXPIRING_DAYS)
    expired = bool(reader.flag("expired", "Expired"))
    sort_raw = raw.get("sort") or SortKey.NAME.value
    try:
        sort = SortKey(sort_raw)
    except ValueError:
        reader.fail("sort", "Sort by name, membershipEnd or lastVisit")
        sort = SortKey.NAME
    order = raw.get("order") or "asc"
    if order not in ("asc", "desc"):
        reader.fail("order", "Order must be asc or desc")
    page = reader.integer("page", "Page", minimum=1, maximum=MAX_PAGE) or 1
    limit = reader.integer("limit", "Limit", minimum=1, maximum=MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    reader.raise_if_problems()
    return MemberFilters(
        query=query.strip(),
        statuses=statuses,
        tiers=tiers,
        trainer_id=trainer_id,
        unassigned=unassigned,
        expiring_within_days=expiring,
        expired=expired,
        sort=sort,
        descending=order == "desc",
        page=page,
        limit=limit,
    )


# -- scope and conditions ------------------------------------------------------------------------


def _today_in(session: Session, timezone: str | None) -> date:
    """Today where the gym is, from the timezone a directory statement read along with the rows."""
    return clock.GymClock.named(timezone).today() if timezone else clock.today(session)


def _scope(actor: Actor) -> tuple[str, uuid.UUID | None]:
    """Whom this actor may see: all members (admin), the assigned ones (trainer), or only themself."""
    if actor.can(Permission.MEMBERS_VIEW_ALL):
        return "all", None
    if actor.can(Permission.MEMBERS_VIEW_ASSIGNED):
        return "assigned", actor.user_id
    return "own", actor.user_id


_LIKE_SPECIALS = re.compile(r"([\\%_])")


def _search_terms(query: str) -> list[str]:
    """Folded search words; a phone-like query becomes its digits ('+49 151-234' -> '49151234')."""
    if re.fullmatch(r"[\d\s()+\-./]{3,}", query):
        return [digits(query)]
    return [term for term in fold(query).split(" ") if term][:6]


# Terms this short are matched at the start of a word ("m" finds Maria and Müller, not everyone whose
# email contains "example.com"): a substring that short matches nearly every row, and trigrams need 3.
WORD_PREFIX_BELOW = 3


@dataclass(frozen=True)
class _Shape:
    """A directory query apart from its values: what its SQL looks like.

    The directory's statements are built once per shape, with bound parameters for the values:
    building a statement this size and computing its cache key cost more than PostgreSQL takes to run
    it. A shape is small (a few counts and flags), so there are few of them.
    """

    terms: tuple[str, ...] = ()  # per search term: "id" (the query is a member id) or "like"
    statuses: int = 0
    tiers: int = 0
    trainer: str = ""  # "" (any), "none" (unassigned) or "one"
    expiring: bool = False
    expired: bool = False
    scope: str = "all"  # whom the viewer may see: "all", "assigned" (trainer) or "own" (member)
    sort: SortKey = SortKey.NAME
    descending: bool = False


def _shape(filters: MemberFilters, today: date, actor: Actor | None = None) -> tuple[_Shape, dict[str, Any]]:
    """The shape of these filters (and of the actor's scope) and the values its parameters take."""
    params: dict[str, Any] = {}
    terms: list[str] = []
    if filters.query:
        try:
            params["f_member"] = uuid.UUID(filters.query)
            terms.append("id")
        except ValueError:
            for index, term in enumerate(_search_terms(filters.query)):
                escaped = _LIKE_SPECIALS.sub(r"\\\1", term)
                # search_text is " name words email phone-digits": every word follows a space.
                short = len(term) < WORD_PREFIX_BELOW
                params[f"f_term{index}"] = ("% " if short else "%") + escaped + "%"
                terms.append("like")
    params.update({f"f_status{index}": status for index, status in enumerate(filters.statuses)})
    params.update({f"f_tier{index}": tier for index, tier in enumerate(filters.tiers)})
    trainer = "none" if filters.unassigned else "one" if filters.trainer_id is not None else ""
    if trainer == "one":
        params["f_trainer"] = filters.trainer_id
    if filters.expiring_within_days is not None:
        params["f_today"] = today
        params["f_until"] = today + timedelta(days=filters.expiring_within_days)
    if filters.expired:
        params["f_today"] = today
    scope, user_id = _scope(actor) if actor is not None else ("all", None)
    if user_id is not None:
        params["f_actor"] = user_id
    shape = _Shape(
        terms=tuple(terms),
        statuses=len(filters.statuses),
        tiers=len(filters.tiers),
        trainer=trainer,
        expiring=filters.expiring_within_days is not None,
        expired=filters.expired,
        scope=scope,
        sort=filters.sort,
        descending=filters.descending,
    )
    return shape, params


def _where(
    shape: _Shape, values: Mapping[str, Any] | None = None, columns: Any = None
) -> list[sa.ColumnElement[bool]]:
    """The shape's conditions, with parameters named as `_shape` fills them (and given `values`), on
    the members table or on `columns` (a sample's)."""

    def bind(name: str) -> Any:
        return sa.bindparam(name) if values is None else sa.bindparam(name, values[name])

    member: Any = Member if columns is None else columns
    conditions: list[Any] = []
    if shape.scope == "assigned":
        conditions.append(member.assigned_trainer_id == bind("f_actor"))
    elif shape.scope == "own":
        conditions.append(member.user_id == bind("f_actor"))
    text = member.search_text
    for index, kind in enumerate(shape.terms):
        if kind == "id":
            conditions.append(member.id == bind("f_member"))
        else:  # a word prefix or a substring: the pattern says which
            conditions.append(text.like(bind(f"f_term{index}"), escape="\\"))
    if shape.statuses:
        conditions.append(member.status.in_([bind(f"f_status{i}") for i in range(shape.statuses)]))
    if shape.tiers:
        conditions.append(member.membership_tier.in_([bind(f"f_tier{i}") for i in range(shape.tiers)]))
    if shape.trainer == "none":
        conditions.append(member.assigned_trainer_id.is_(None))
    elif shape.trainer == "one":
        conditions.append(member.assigned_trainer_id == bind("f_trainer"))
    if shape.expiring:
        conditions.append(member.membership_end.between(bind("f_today"), bind("f_until")))
    if shape.expired:
        conditions.append(member.membership_end < bind("f_today"))
    return conditions


def visible_to(actor: Actor) -> sa.ColumnElement[bool]:
    """The members this actor may see, as one condition."""
    scope, user_id = _scope(actor)
    conditions = _where(_Shape(scope=scope), {"f_actor": user_id})
    return sa.and_(*conditions) if conditions else sa.true()


def matching(filters: MemberFilters, today: date) -> list[sa.ColumnElement[bool]]:
    """The members these filters match, as conditions with their values in place (bulk actions, export)."""
    shape, params = _shape(filters, today)
    return _where(shape, params)


# -- the front desk's view of a member -------------------------------------------------------------------
#
# Everyone at the desk (admins and trainers) may find and check in any member. What the desk shows of
# a member follows the same scope as the directory (`_scope`): within it, everything the desk shows;
# outside it (a trainer and a member assigned to someone else), the name, initials, tier and status
# only: no email, phone, birth date, membership end or visit count.


def in_scope(actor: Actor, member: Member) -> bool:
    """Whether `member` is within the actor's scope (`_scope`): their details are the actor's to see."""
    scope, user_id = _scope(actor)
    if scope == "all":
        return True
    if scope == "assigned":
        return member.assigned_trainer_id == user_id
    return member.user_id == user_id


@dataclass(frozen=True)
class DeskView:
    """A member as the front desk shows them to one actor; the details are None outside their scope."""

    id: uuid.UUID
    full_name: str
    initials: str
    membership_tier: MembershipTier
    status: MemberStatus
    expired: bool  # a cue like the status ("Expired"), not the date
    detailed: bool  # within the actor's scope: the fields below are filled
    email: str | None = None
    phone: str | None = None
    date_of_birth: date | None = None
    membership_end: date | None = None


def desk_view(actor: Actor, member: Member, email: str, today: date) -> DeskView:
    """The one projection of a member for the desk: what this actor may see of them."""
    base = {
        "id": member.id,
        "full_name": member.full_name,
        "initials": initials(member.full_name),
        "membership_tier": MembershipTier(member.membership_tier),
        "status": MemberStatus(member.status),
        "expired": member.membership_end < today,
    }
    if not in_scope(actor, member):
        return DeskView(**base, detailed=False)
    return DeskView(
        **base,
        detailed=True,
        email=email,
        phone=member.phone,
        date_of_birth=member.date_of_birth,
        membership_end=member.membership_end,
    )


def _name_part(session: Session) -> Any:
    """The name words at the start of `search_text` (" folded name email phone-digits"): up to where
    " " + the user's email starts. Needs the users table joined. Fails closed: should the email not
    be found (its case-folding differs from lower case, e.g. "ß"), the part is empty."""
    needle = sa.literal(" ", sa.String) + User.email
    if session.get_bind().dialect.name == "postgresql":
        position = sa.func.strpos(Member.search_text, needle)
    else:
        position = sa.func.instr(Member.search_text, needle)
    return sa.func.substr(Member.search_text, 1, sa.case((position > 0, position - 1), else_=0))


def desk_search_conditions(session: Session, actor: Actor, query: str, today: date) -> list[Any]:
    """The desk's search (name, phone, email or member id, across all members) as this actor may run it.

    Outside the actor's scope a member is found by name or member id only: finding them by an email or
    a phone number would tell the desk whose it is (and, a letter at a time, what it is).
    """
    shape, params = _shape(MemberFilters(query=query), today)
    conditions: list[Any] = _where(shape, params)
    scope, user_id = _scope(actor)
    if scope == "all":
        return conditions
    name = _name_part(session)
    by_name = [
        name.like(params[f"f_term{index}"], escape="\\")
        for index, kind in enumerate(shape.terms)
        if kind == "like"
    ]
    mine = _where(_Shape(scope=scope), {"f_actor": user_id})
    return [*conditions, sa.or_(sa.and_(*mine), sa.and_(sa.true(), *by_name))]


def membership_cue(end: date, today: date) -> str:
    """How a person reads an end date: 'expires in 5 days', 'expires today', 'expired 3 days ago'."""
    days = (end - today).days
    if days < 0:
        return "expired yesterday" if days == -1 else f"expired {-days} days ago"
    if days == 0:
        return "expires today"
    if days == 1:
        return "expires tomorrow"
    if days <= 30:
        return f"expires in {days} days"
    return f"until {end:%d %b %Y}"


# -- listing ---------------------------------------------------------------------------------------


def _sort_keys(shape: _Shape, source: Any = Member) -> list[Any]:
    """ORDER BY for the chosen sort; the id breaks ties in the same direction, so one index serves it."""
    column: Any = {
        SortKey.NAME: source.full_name,
        SortKey.MEMBERSHIP_END: source.membership_end,
        SortKey.LAST_VISIT: source.last_visit_at,
    }[shape.sort]
    key = column.desc() if shape.descending else column.asc()
    if shape.sort is SortKey.LAST_VISIT:
        key = key.nulls_last()  # never-visited members last, both ways
    tie: Any = source.id.desc() if shape.descending else source.id.asc()
    return [key, tie]


# Below this many matches a page is found by filtering first and sorting the few matches; above it, by
# walking the sort's index until the page is full (matches are then dense enough to find quickly).
FILTER_FIRST_BELOW = 2_000
# How far the members page counts: a search up to 500 ("1–25 of 500+": time to narrow it down), a
# plain list up to 10,000. Counting 100,000 rows exactly costs 20-30 ms on PostgreSQL once check-ins
# (which update last_visit_at) have dirtied the table's visibility map; the API still counts exactly.
SEARCH_COUNT_LIMIT = 500
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


_HIT_COLUMNS: tuple[Any, ...] = (Member.id, Member.full_name, Member.membership_end, Member.last_visit_at)
_ROW_COLUMNS: tuple[Any, ...] = (
    Member.id,
    Member.full_name,
    Member.phone,
    Member.membership_tier,
    Member.status,
    Member.membership_end,
    Member.assigned_trainer_id,
    Member.last_visit_at,
    User.email,
    Trainer.full_name.label("trainer_name"),
)


def _page_ids(source: Any, shape: _Shape) -> Any:
    """The page's member ids from `source` (the members table or a set of matches), in the page's order."""
    return (
        select(source.id.label("id"))
        .order_by(*_sort_keys(shape, source))
        .offset(sa.bindparam("offset"))
        .limit(sa.bindparam("limit"))
    )


def _matches(shape: _Shape, *, fenced: bool) -> Any:
    """The matching members' ids and sort columns. Fenced (OFFSET 0), the planner finds them through
    the filter indexes first instead of walking a sort index (for sorting a few matches)."""
    statement = select(*_HIT_COLUMNS).where(*_where(shape))
    return statement.offset(0) if fenced else statement


def _people(base: Any, ids: Any, shape: _Shape, *leading: Any) -> Any:
    """The gym's timezone, then the directory's columns for the members `ids` (a subquery within
    `base`) names, in page order: the timezone rides along rather than cost a round trip of its own.

    Outer joins, so that `leading` columns (a count) still arrive when the page is empty.
    """
    timezone = select(GymSettings.timezone).where(GymSettings.id == GYM_ID).scalar_subquery()  # type: ignore[arg-type]
    joined = (
        base.outerjoin(Member, Member.id == ids.c.id)
        .outerjoin(User, User.id == Member.user_id)
        .outerjoin(Trainer, Trainer.id == Member.assigned_trainer_id)
    )
    return (
        select(timezone.label("gym_timezone"), *leading, *_ROW_COLUMNS)
        .select_from(joined)
        .order_by(*_sort_keys(shape))
    )


@lru_cache(maxsize=256)
def _capped_statement(shape: _Shape, walks: bool) -> Any:
    """One statement: the matches (found through the search and filter indexes) counted up to `cap` + 1,
    and the page sorted among them.

    With `walks` (PostgreSQL) it also holds the page for more than `cap` matches: when a sample says
    they are many, a bounded walk of the sort's index; when they are few, or the walk does not fill the
    page, all matches sorted. PostgreSQL runs only the branches whose one-time filters hold (and
    computes a CTE or sample only when a filter asks for it), so this costs no second round trip.
    """
    cap = sa.bindparam("cap")
    if not walks:
        hits = _matches(shape, fenced=False).limit(sa.bindparam("cap_plus_one")).cte("hits")
        found = select(sa.func.count()).select_from(hits).scalar_subquery()
        ids = _page_ids(hits.c, shape).subquery("from_hits")
        counted = select(found.label("total")).subquery("counted")
        return _people(sa.join(counted, ids, sa.true(), isouter=True), ids, shape, counted.c.total)

    # All matches, materialized as they are read: the count reads the first `cap` + 1, sorting reads
    # on from there. Without a LIMIT of its own the CTE is planned for all its rows (the search index);
    # with one, a high guess at how many match made PostgreSQL scan the table for the "first few".
    hits = _matches(shape, fenced=False).cte("hits").prefix_with("MATERIALIZED")
    first = select(hits.c.id).limit(sa.bindparam("cap_plus_one")).subquery("first_hits")
    # Counted once, in a CTE of its own: each use of a scalar subquery would count the hits again.
    counted_hits = select(sa.func.count().label("matches")).select_from(first).cte("counted_hits")
    found = select(counted_hits.c.matches).scalar_subquery()
    sorted_hits = _page_ids(hits.c, shape).subquery("sorted_hits")

    where = _where(shape)
    hit = sa.and_(*where) if where else sa.true()
    scanned = (
        select(Member.id.label("id"), hit.label("hit"))
        .order_by(*_sort_keys(shape))
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
        .where(*_where(shape, columns=sample.c))
        .cte("sampled")
    )
    many = select(sampled.c.matches).scalar_subquery() > sa.bindparam("sample_matches_up_to")
    ids = sa.union_all(
        select(walked.c.id).where(found > cap, many, page_filled),
        # Conditions are tried in order: a count within the cap decides before the sample is taken.
        select(sorted_hits.c.id).where(sa.or_(found <= cap, sa.not_(many), sa.not_(page_filled))),
    ).subquery("page")
    counted = select(found.label("total")).subquery("counted")
    return _people(sa.join(counted, ids, sa.true(), isouter=True), ids, shape, counted.c.total)


@lru_cache(maxsize=256)
def _count_statement(shape: _Shape, capped: bool) -> Any:
    """How many members match; capped, it stops once `cap_plus_one` are found."""
    if not capped:
        return select(sa.func.count()).select_from(Member).where(*_where(shape))
    found = select(Member.id).where(*_where(shape)).limit(sa.bindparam("cap_plus_one")).subquery()
    return select(sa.func.count()).select_from(found)


@lru_cache(maxsize=256)
def _page_statement(shape: _Shape, filter_first: bool) -> Any:
    """The page's rows: sorted among the (few) matches, or by walking the sort's index, keeping
    matching rows until the page is full (many matches)."""
    if filter_first:
        ids = _page_ids(_matches(shape, fenced=True).subquery("matches").c, shape).subquery("page")
    else:
        ids = _page_ids(Member, shape).where(*_where(shape)).subquery("page")
    return _people(ids, ids, shape)


def _core(session: Session, statement: Any, params: dict[str, Any]) -> Any:
    """Run a plain-columns statement on the session's connection (no ORM layer: these rows are tuples)."""
    return session.connection().execute(statement, params)


def list_members(
    session: Session, actor: Actor, filters: MemberFilters, *, count_up_to: int | None = None
) -> MemberPage:
    """One page of the directory, searched, filtered and sorted in SQL; never the whole table.

    `count_up_to` stops counting past that many matches (the members page says "500+" rather than
    count a broad search to the end; see `count_limit_for`); `total_is_exact` on the page tells which it
    is. Without it (the API) the count is exact.
    """
    require(actor, *VIEW_MEMBERS)
    # Filters on the end date need today first; otherwise today (for the rows' cues) comes from the
    # timezone the page's statement returns.
    dated = filters.expiring_within_days is not None or filters.expired
    known_today = clock.today(session) if dated else None
    shape, params = _shape(filters, known_today or date.min, actor)
    offset = (filters.page - 1) * filters.limit
    params.update(offset=offset, limit=filters.limit)

    if count_up_to is not None and count_up_to <= FILTER_FIRST_BELOW:
        cap = max(1, count_up_to)
        walks = session.get_bind().dialect.name == "postgresql"
        params.update(
            cap=cap,
            cap_plus_one=cap + 1,
            walk_budget=WALK_BUDGET + WALK_ROWS_PER_ROW * (offset + filters.limit),
            sample_percent=SAMPLE_PERCENT,
            sample_matches_up_to=round(SORT_MATCHES_UP_TO * SAMPLE_PERCENT / 100),
        )
        found = _core(session, _capped_statement(shape, walks), params).all()
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

    if count_up_to is None:
        total, exact = int(_core(session, _count_statement(shape, False), params).scalar_one()), True
    else:
        params.update(cap_plus_one=count_up_to + 1)
        matched = int(_core(session, _count_statement(shape, True), params).scalar_one())
        total, exact = min(matched, count_up_to), matched <= count_up_to
    if total == 0 or (exact and offset >= total):
        return _page([], total, exact, filters, known_today or date.min)  # no rows: no cues to word
    # Few matches: sort them; many: walk the sort's index until the page is full.
    filter_first = exact and total < FILTER_FIRST_BELOW
    rows = _core(session, _page_statement(shape, filter_first), params).all()
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


# -- one member ------------------------------------------------------------------------------------


def _load_visible(session: Session, actor: Actor, member_id: uuid.UUID) -> Member:
    """The member, if this actor may see it; NotFound otherwise (never reveal that it exists)."""
    if actor is None:
        require(actor)
    member = session.exec(select(Member).where(Member.id == member_id, visible_to(actor))).first()
    if member is None:
        raise NotFound("Member not found")
    return member


def get_visible_member(session: Session, actor: Actor, member_id: uuid.UUID) -> Member:
    """The member, if this actor may see it; NotFound otherwise (for other domains' member pages)."""
    return _load_visible(session, actor, member_id)


def _may_edit(actor: Actor, member: Member) -> bool:
    if actor.can(Permission.MEMBERS_EDIT_ALL):
        return True
    return actor.can(Permission.MEMBERS_EDIT_ASSIGNED) and member.assigned_trainer_id == actor.user_id


VISITS_PAGE_SIZE = 10


def get_member_profile(
    session: Session, actor: Actor, member_id: uuid.UUID, *, visits_page: int = 1
) -> MemberProfile:
    """Everything the member page shows, scoped to what the viewer may see and do."""
    member = _load_visible(session, actor, member_id)
    today = clock.today(session)
    email = session.exec(select(User.email).where(User.id == member.user_id)).one()
    trainer_name = (
        session.exec(select(User.full_name).where(User.id == member.assigned_trainer_id)).first()
        if member.assigned_trainer_id
        else None
    )
    since = utcnow() - timedelta(days=30)
    recent = session.exec(
        select(
            sa.func.count(),
            sa.func.avg(
                sa.case(
                    (
                        CheckIn.check_out_time.is_not(None),  # type: ignore[union-attr]
                        _minutes_between(session, CheckIn.check_in_time, CheckIn.check_out_time),
                    ),
                    else_=None,
                )
            ),
        ).where(CheckIn.member_id == member.id, CheckIn.check_in_time >= since)
    ).one()
    visits_total = session.exec(
        select(sa.func.count()).select_from(CheckIn).where(CheckIn.member_id == member.id)
    ).one()
    visits_page = max(1, min(visits_page, 10_000))
    history = session.exec(
        select(CheckIn)
        .where(CheckIn.member_id == member.id)
        .order_by(CheckIn.check_in_time.desc())  # type: ignore[attr-defined]
        .offset((visits_page - 1) * VISITS_PAGE_SIZE)
        .limit(VISITS_PAGE_SIZE)
    ).all()
    visits = [
        Visit(
            id=v.id,
            check_in_time=v.check_in_time,
            check_out_time=v.check_out_time,
            minutes=int((v.check_out_time - v.check_in_time).total_seconds() // 60)
            if v.check_out_time
            else None,
            automatic=v.auto_checked_out,
        )
        for v in history
    ]
    inside = session.exec(
        select(sa.func.count())
        .select_from(CheckIn)
        .where(CheckIn.member_id == member.id, CheckIn.check_out_time.is_(None))  # type: ignore[union-attr]
    ).one()
    can_edit = _may_edit(actor, member)
    can_membership = allowed(actor, MANAGE_MEMBERSHIPS)
    can_delete = allowed(actor, DELETE_MEMBERS)
    actions = [name for name, allowed in (("edit", can_edit), ("delete", can_delete)) if allowed]
    if can_membership:
        actions += ["activate", "deactivate", "freeze"]
    return MemberProfile(
        member=member,
        email=email,
        trainer_name=trainer_name,
        membership_cue=membership_cue(member.membership_end, today),
        days_left=(member.membership_end - today).days,
        visits_last_30_days=int(recent[0] or 0),
        average_visit_minutes=round(float(recent[1])) if recent[1] is not None else None,
        visits=visits,
        visits_total=int(visits_total),
        visits_page=visits_page,
        can_edit=can_edit,
        can_edit_membership=can_membership,
        can_delete=can_delete,
        inside_now=bool(inside),
        allowed_actions=actions,
    )


def _minutes_between(session: Session, start: Any, end: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", end - start) / 60.0
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 1440.0


# -- creating and changing -------------------------------------------------------------------------


@dataclass
class MemberFields:
    """A member record's fields as read from input; `present` names the fields the input carried."""

    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None
    membership_tier: MembershipTier | None = None
    membership_start: date | None = None
    membership_end: date | None = None
    status: MemberStatus | None = None
    assigned_trainer_id: uuid.UUID | None = None
    present: set[str] = field(default_factory=set)


def parse_member_fields(
    reader: FieldReader, *, today: date, creating: bool, current: Member | None = None
) -> MemberFields:
    """The rules every member record obeys, without the database: formats, ranges, dates in order.

    Problems are collected on the reader; the caller raises them (so a CSV import can report rows).
    """
    data = reader.data
    out = MemberFields(present={key for key in data if key in FIELD_NAMES})
    out.full_name = reader.text("fullName", "Full name", required=creating)
    out.email = reader.email("email", required=creating)
    out.phone = reader.phone("phone")
    out.date_of_birth = reader.day("dateOfBirth", "Date of birth")
    gender = reader.text("gender", "Gender", max_length=16)
    if gender is not None and gender.lower() not in GENDERS:
        reader.fail("gender", "Gender must be male, female or other")
    out.gender = gender.lower() if gender else None
    out.membership_tier = reader.choice("membershipTier", "Tier", MembershipTier)
    out.membership_start = reader.day("membershipStart", "Membership start", required=creating)
    out.membership_end = reader.day("membershipEnd", "Membership end", required=creating)
    out.status = reader.choice("status", "Status", MemberStatus)
    trainer_raw = data.get("assignedTrainerId")
    out.assigned_trainer_id = (
        None if trainer_raw in ("", None) else reader.identifier("assignedTrainerId", "Trainer")
    )
    if out.date_of_birth is not None:
        age = (today - out.date_of_birth).days / 365.25
        if out.date_of_birth > today:
            reader.fail("dateOfBirth", "Date of birth cannot be in the future")
        elif not YOUNGEST_AGE <= age <= OLDEST_AGE:
            reader.fail(
                "dateOfBirth", f"Date of birth must give an age between {YOUNGEST_AGE} and {OLDEST_AGE}"
            )
    start = out.membership_start or (current.membership_start if current else None)
    end = out.membership_end or (current.membership_end if current else None)
    if start and end and end <= start:
        reader.fail("membershipEnd", "Membership end must be after its start")
    return out


def active_trainer_ids(session: Session) -> set[uuid.UUID]:
    statement = select(User.id).where(User.role == Role.TRAINER, User.is_active.is_(True))  # type: ignore[attr-defined]
    return set(session.exec(statement).all())


def _read_member_fields(
    session: Session, data: Mapping[str, Any], *, creating: bool, current: Member | None = None
) -> MemberFields:
    """Parse and check every field the user sent, database checks included; ValidationFailed lists all."""
    reader = FieldReader(data)
    out = parse_member_fields(reader, today=clock.today(session), creating=creating, current=current)
    if out.assigned_trainer_id is not None and out.assigned_trainer_id not in active_trainer_ids(session):
        reader.fail("assignedTrainerId", "Choose an active trainer")
    if out.email is not None:
        owner = session.exec(select(User.id).where(User.email == out.email)).first()
        if owner is not None and (current is None or owner != current.user_id):
            reader.fail("email", EMAIL_TAKEN)
    reader.raise_if_problems()
    return out


FIELD_NAMES = {
    "fullName",
    "email",
    "phone",
    "dateOfBirth",
    "gender",
    "membershipTier",
    "membershipStart",
    "membershipEnd",
    "status",
    "assignedTrainerId",
}


def create_member(session: Session, actor: Actor, data: Mapping[str, Any]) -> Member:
    """Create a member and its login (no usable password until one is set); flushes, caller commits."""
    require(actor, *CREATE_MEMBERS)
    fields = _read_member_fields(session, data, creating=True)
    assert fields.email and fields.full_name and fields.membership_start and fields.membership_end
    user = User(
        email=fields.email,
        password_hash=UNUSABLE_PASSWORD,
        role=Role.MEMBER,
        full_name=fields.full_name,
        phone=fields.phone,
    )
    member = Member(
        user_id=user.id,
        full_name=fields.full_name,
        date_of_birth=fields.date_of_birth,
        gender=fields.gender,
        membership_tier=fields.membership_tier or MembershipTier.BASIC,
        membership_start=fields.membership_start,
        membership_end=fields.membership_end,
        status=fields.status or MemberStatus.ACTIVE,
        assigned_trainer_id=fields.assigned_trainer_id,
    )
    sync_contact(member, user)
    _save(session, user, member)
    return member


def update_member(session: Session, actor: Actor, member_id: uuid.UUID, data: Mapping[str, Any]) -> Member:
    """Change the fields given (a partial update); trainers may not touch the admin-only fields.

    A new email (their login) or a membership frozen or deactivated ends the member's sessions.
    """
    member = _load_visible(session, actor, member_id)
    if not _may_edit(actor, member):
        raise PermissionDenied("You may not edit this member")
    if not allowed(actor, MANAGE_MEMBERSHIPS) and any(key in data for key in ADMIN_ONLY_FIELDS):
        raise PermissionDenied(ADMIN_ONLY_MESSAGE)
    fields = _read_member_fields(session, data, creating=False, current=member)
    user = session.get(User, member.user_id)
    assert user is not None
    present = fields.present
    if "fullName" in present and fields.full_name is None:
        raise ValidationFailed.on("fullName", "Full name is required")
    if "fullName" in present and fields.full_name:
        user.full_name = fields.full_name
    ended: str | None = None
    if "email" in present:
        if fields.email is None:
            raise ValidationFailed.on("email", "Email is required")
        if fields.email != user.email:
            ended = RevokeReason.EMAIL_CHANGE
        user.email = fields.email
    if "phone" in present:
        user.phone = fields.phone
    if "dateOfBirth" in present:
        member.date_of_birth = fields.date_of_birth
    if "gender" in present:
        member.gender = fields.gender
    if "membershipTier" in present and fields.membership_tier:
        member.membership_tier = fields.membership_tier
    if "membershipStart" in present and fields.membership_start:
        member.membership_start = fields.membership_start
    if "membershipEnd" in present and fields.membership_end:
        member.membership_end = fields.membership_end
    if "status" in present and fields.status:
        if fields.status != member.status and fields.status in SIGNED_OUT_STATUSES:
            ended = ended or RevokeReason.MEMBERSHIP_STOPPED
        member.status = fields.status
    if "assignedTrainerId" in present:
        member.assigned_trainer_id = fields.assigned_trainer_id
    sync_contact(member, user)  # name, phone and the directory's search words follow the login
    member.updated_at = utcnow()
    _save(session, user, member)
    if ended is not None:
        revoke_user_sessions(session, user.id, reason=ended)
    forget_user(user.id)  # sessions read the email from the database: this process's cache drops it
    return member


def _save(session: Session, user: User, member: Member) -> None:
    # A savepoint: losing a race on the unique email leaves the caller's transaction usable.
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
            session.add(member)
    except sa.exc.IntegrityError:
        raise Conflict(EMAIL_TAKEN, details=[FieldProblem("email", EMAIL_TAKEN)]) from None


@dataclass(frozen=True)
class DeletionImpact:
    """What goes with a member when it is deleted, for the confirmation dialog."""

    visits: int
    workout_plans: int


def deletion_impact(session: Session, actor: Actor, member_id: uuid.UUID) -> DeletionImpact:
    require(actor, *DELETE_MEMBERS)
    member = _load_visible(session, actor, member_id)
    visits = session.exec(
        select(sa.func.count()).select_from(CheckIn).where(CheckIn.member_id == member.id)
    ).one()
    plans = session.exec(
        select(sa.func.count()).select_from(WorkoutPlan).where(WorkoutPlan.member_id == member.id)
    ).one()
    return DeletionImpact(visits=int(visits), workout_plans=int(plans))


def delete_member(session: Session, actor: Actor, member_id: uuid.UUID) -> None:
    """Delete a member with its login, visits and plans (admin only; the UI offers deactivation first)."""
    require(actor, *DELETE_MEMBERS)
    member = _load_visible(session, actor, member_id)
    user = session.get(User, member.user_id)
    # Deleting the user cascades to the member row, its visits, plans and progress.
    session.delete(user)
    session.flush()
