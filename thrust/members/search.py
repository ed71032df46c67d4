"""Member search, one public piece: filters, whom an actor may see (`visible_to`), what filters match
(`matching`) and the statement shapes they build. The front desk's search: members/desk_search.py."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import select

from thrust.auth.rbac import Actor, Permission
from thrust.core.text import digits, fold
from thrust.core.validation import FieldReader
from thrust.models import Member, MemberSearchWord, MembershipTier, MemberStatus, User

MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000
# How deep `page` (an offset) reaches: past this row a list is read on with `after`, the last page's
# cursor, which seeks straight to its place in the sort's index instead of counting rows up to it.
MAX_OFFSET = 10_000
DEFAULT_PAGE_SIZE = 25
MAX_QUERY_LENGTH = 100
MAX_EXPIRING_DAYS = 365

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
    started_this_month: bool = False  # the membership began this month (the gym's calendar), up to today
    sort: SortKey = SortKey.NAME
    descending: bool = False
    page: int = 1
    limit: int = DEFAULT_PAGE_SIZE
    after: Cursor | None = None  # read on after this row (keyset paging); `page` then only labels


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the last row's sort value and id, in which order, and in which part of a
    search (the prefix matches or the ones found inside names). Sent to clients as an opaque token."""

    sort: SortKey
    descending: bool
    value: str | None  # the sort column's value as ISO text (None: a never-visited member)
    member_id: uuid.UUID
    inside: bool = False

    def token(self) -> str:
        raw = [self.sort.value, int(self.descending), self.value, self.member_id.hex, int(self.inside)]
        return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode().rstrip("=")

    @classmethod
    def read(cls, token: str) -> Cursor:
        """The cursor a token names; ValueError for anything that is not one of ours."""
        try:
            raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            sort, descending, value, member_id, inside = raw
            cursor = cls(SortKey(sort), bool(descending), value, uuid.UUID(hex=member_id), bool(inside))
            if value is not None and not isinstance(value, str):
                raise ValueError(value)
            cursor.sort_value()
            return cursor
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError(token) from exc

    def sort_value(self) -> Any:
        """The value as the sort column holds it."""
        if self.value is None:
            if self.sort is not SortKey.LAST_VISIT:
                raise ValueError("only a last visit may be empty")
            return None
        if self.sort is SortKey.NAME:
            return self.value
        if self.sort is SortKey.MEMBERSHIP_END:
            return date.fromisoformat(self.value)
        return datetime.fromisoformat(self.value)

    @classmethod
    def after_row(
        cls, sort: SortKey, descending: bool, value: Any, member_id: uuid.UUID, inside: bool
    ) -> Cursor:
        text = value if value is None or isinstance(value, str) else value.isoformat()
        return cls(sort, descending, text, member_id, inside)


def last_offset_page(limit: int) -> int:
    """The deepest page `page` reaches at this page size (its first row within MAX_OFFSET); deeper
    pages are read with a cursor."""
    return MAX_OFFSET // limit + 1


CURSOR_PROBLEM = "This list has changed its order or the link is broken: start again from the first page"
DEEP_PAGE_PROBLEM = (
    f"Pages reach the first {MAX_OFFSET:,} rows: read further with `after` (the last page's nextCursor)"
)


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
    query = reader.search("q", max_length=MAX_QUERY_LENGTH)
    statuses = _choices(reader, raw.get("status"), "status", MemberStatus)
    tiers = _choices(reader, raw.get("tier"), "tier", MembershipTier)
    trainer_raw = raw.get("trainerId")
    unassigned = trainer_raw == "none"
    trainer_id = None if unassigned else reader.identifier("trainerId", "Trainer")
    expiring = reader.integer("expiringWithinDays", "Expiring within", minimum=0, maximum=MAX_EXPIRING_DAYS)
    expired = bool(reader.flag("expired", "Expired"))
    started_this_month = bool(reader.flag("startedThisMonth", "Started this month"))
    paging = _paging(reader, raw)
    reader.raise_if_problems()
    return MemberFilters(
        query=query,
        statuses=statuses,
        tiers=tiers,
        trainer_id=trainer_id,
        unassigned=unassigned,
        expiring_within_days=expiring,
        expired=expired,
        started_this_month=started_this_month,
        **paging,
    )


def with_paging(filters: MemberFilters, raw: Mapping[str, Any]) -> MemberFilters:
    """These filters in the order and at the page `raw` asks for (sort, order, page, limit, after),
    checked as `parse_filters` checks them."""
    reader = FieldReader(raw)
    paging = _paging(reader, raw)
    reader.raise_if_problems()
    return dataclasses.replace(filters, **paging)


def _paging(reader: FieldReader, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The order and the page: sort, order, page and limit, or a cursor to read on after."""
    sort_raw = raw.get("sort") or SortKey.NAME.value
    try:
        sort = SortKey(sort_raw)
    except ValueError:
        reader.fail("sort", "Sort by name, membershipEnd or lastVisit")
        sort = SortKey.NAME
    order = raw.get("order") or "asc"
    if order not in ("asc", "desc"):
        reader.fail("order", "Order must be asc or desc")
    page, limit = reader.paging(max_page=MAX_PAGE, max_limit=MAX_PAGE_SIZE, default_limit=DEFAULT_PAGE_SIZE)
    after = None
    token = raw.get("after")
    if token:
        try:
            after = Cursor.read(token) if isinstance(token, str) and len(token) <= 400 else None
        except ValueError:
            after = None
        if after is None or (after.sort, after.descending) != (sort, order == "desc"):
            reader.fail("after", CURSOR_PROBLEM)
    elif page > last_offset_page(limit):
        reader.fail("page", DEEP_PAGE_PROBLEM)
    return {"sort": sort, "descending": order == "desc", "page": page, "limit": limit, "after": after}


# -- scope and conditions ------------------------------------------------------------------------


def scope_of(actor: Actor) -> tuple[str, uuid.UUID | None]:
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


# Terms this short are matched at the start of a word even where substrings are searched ("m" finds
# Maria and Müller, not everyone whose email contains "example.com"): a substring that short matches
# nearly every row, and trigrams need 3.
WORD_PREFIX_BELOW = 3
# Past the last character there is: `word < term + PAST` holds for every word that starts with `term`
# (bytewise, on both engines), so "starts with" is a range of member_search_words' primary key.
PAST = "\U0010ffff"


class Matching(StrEnum):
    """How a search's words match a member's search words (name words, email, phone digits)."""

    PREFIX = "prefix"  # each term starts one of the words: the directory's main path, served by an index
    INSIDE = "inside"  # not that, but each term (of 3 letters and more) is inside the text: its fallback
    ANY = "any"  # either (the desk, bulk actions and export: what the directory's two parts show)


@dataclass(frozen=True)
class Shape:
    """A directory query apart from its values: what its SQL looks like.

    The directory's statements are built once per shape, with bound parameters for the values:
    building a statement this size and computing its cache key cost more than PostgreSQL takes to run
    it. A shape is small (a few counts and flags), so there are few of them.
    """

    # Per search term: "id" (the query is a member id), "prefix" (starts a word), "inside" (a substring,
    # not at every word's start: the fallback) or "like" (a substring; short terms a word start).
    terms: tuple[str, ...] = ()
    statuses: int = 0
    tiers: int = 0
    trainer: str = ""  # "" (any), "none" (unassigned) or "one"
    expiring: bool = False
    expired: bool = False
    started_this_month: bool = False
    scope: str = "all"  # whom the viewer may see: "all", "assigned" (trainer) or "own" (member)
    sort: SortKey = SortKey.NAME
    descending: bool = False
    seek: str = ""  # after a cursor: "" (from the start), "value" (a sort value) or "null" (no last visit)


def falls_back(filters: MemberFilters) -> bool:
    """Whether substrings may add to this search's prefix matches: a term of 3 letters or more (shorter
    ones match inside nearly everyone, and stay word starts) in a search that is not a member id."""
    if not filters.query:
        return False
    try:
        uuid.UUID(filters.query)
        return False
    except ValueError:
        return any(len(term) >= WORD_PREFIX_BELOW for term in _search_terms(filters.query))


def shape_of(
    filters: MemberFilters,
    today: date,
    actor: Actor | None = None,
    matching: Matching = Matching.ANY,
    after: Cursor | None = None,
) -> tuple[Shape, dict[str, Any]]:
    """The shape of these filters (and of the actor's scope) and the values its parameters take;
    `after`: the page starts after that row."""
    params: dict[str, Any] = {}
    seek = ""
    if after is not None:
        value = after.sort_value()
        seek = "null" if value is None else "value"
        params["f_seek_value"], params["f_seek_id"] = value, after.member_id
    terms: list[str] = []
    if filters.query:
        try:
            params["f_member"] = uuid.UUID(filters.query)
            terms.append("id")
        except ValueError:
            for index, term in enumerate(_search_terms(filters.query)):
                escaped = _LIKE_SPECIALS.sub(r"\\\1", term)
                # search_text is " name words email phone-digits": every word follows a space.
                params[f"f_word{index}"] = "% " + escaped + "%"
                params[f"f_lo{index}"], params[f"f_hi{index}"] = term, term + PAST
                short = len(term) < WORD_PREFIX_BELOW
                params[f"f_term{index}"] = ("% " if short else "%") + escaped + "%"
                if matching is Matching.PREFIX or (short and matching is Matching.INSIDE):
                    terms.append("prefix")
                else:
                    terms.append("inside" if matching is Matching.INSIDE else "like")
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
    if filters.started_this_month:
        params["f_today"] = today
        params["f_month"] = today.replace(day=1)
    scope, user_id = scope_of(actor) if actor is not None else ("all", None)
    if user_id is not None:
        params["f_actor"] = user_id
    shape = Shape(
        terms=tuple(terms),
        statuses=len(filters.statuses),
        tiers=len(filters.tiers),
        trainer=trainer,
        expiring=filters.expiring_within_days is not None,
        expired=filters.expired,
        started_this_month=filters.started_this_month,
        scope=scope,
        sort=filters.sort,
        descending=filters.descending,
        seek=seek,
    )
    return shape, params


def conditions_of(
    shape: Shape, values: Mapping[str, Any] | None = None, columns: Any = None, *, indexed: bool = True
) -> list[sa.ColumnElement[bool]]:
    """The shape's conditions, with parameters named as `shape_of` fills them (and given `values`), on
    the members table or on `columns` (a sample's).

    `indexed`: a word prefix is looked up in member_search_words (finding the matches); otherwise it is
    tested on the row itself (`search_text LIKE '% mar%'`, the same condition: walking an index and
    keeping the rows that match).
    """

    def bind(name: str) -> Any:
        return sa.bindparam(name) if values is None else sa.bindparam(name, values[name])

    member: Any = Member if columns is None else columns
    conditions: list[Any] = []
    if shape.scope == "assigned":
        conditions.append(member.assigned_trainer_id == bind("f_actor"))
    elif shape.scope == "own":
        conditions.append(member.user_id == bind("f_actor"))
    text = member.search_text
    starts: list[Any] = []  # the inside part leaves out what the prefix part shows
    for index, kind in enumerate(shape.terms):
        if kind == "driven":  # found through the words index already (thrust/members/word_search.py)
            continue
        if kind == "id":
            conditions.append(member.id == bind("f_member"))
        elif kind == "prefix" and indexed and columns is None:
            words = select(MemberSearchWord.member_id).where(
                MemberSearchWord.word >= bind(f"f_lo{index}"), MemberSearchWord.word < bind(f"f_hi{index}")
            )
            conditions.append(member.id.in_(words))
        elif kind == "prefix":
            conditions.append(text.like(bind(f"f_word{index}"), escape="\\"))
        else:  # "like" or "inside": a substring, or a word prefix for a short term (the pattern says)
            conditions.append(text.like(bind(f"f_term{index}"), escape="\\"))
        if kind in ("prefix", "inside"):
            starts.append(text.like(bind(f"f_word{index}"), escape="\\"))
    if "inside" in shape.terms:
        conditions.append(sa.not_(sa.and_(*starts)))
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
    if shape.started_this_month:
        conditions.append(member.membership_start.between(bind("f_month"), bind("f_today")))
    return conditions


def visible_to(actor: Actor) -> sa.ColumnElement[bool]:
    """The members this actor may see, as one condition."""
    scope, user_id = scope_of(actor)
    conditions = conditions_of(Shape(scope=scope), {"f_actor": user_id})
    return sa.and_(*conditions) if conditions else sa.true()


def sees_everyone(actor: Actor) -> bool:
    """Whether `visible_to(actor)` holds for every member (what sums over all members may answer)."""
    return scope_of(actor)[0] == "all"


def matching(filters: MemberFilters, today: date) -> list[sa.ColumnElement[bool]]:
    """The members these filters match, as conditions with their values in place (bulk actions, export)."""
    shape, params = shape_of(filters, today)
    return conditions_of(shape, params)


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
