"""State of the members pages: the directory (one page of rows), a profile, the member form, bulk
actions and the CSV import.

Every handler is guarded (`@requires` with the service's permissions; the middleware checks first),
reads its arguments with the guard helpers, and calls one service in a worker thread. The directory
keeps only the visible page (at most 100 small rows) in state; search, filters, sort and paging run
in SQL. Everything here belongs to the signed-in user and is wiped on sign-out (`@user_bound`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from thrust.auth.guard import (
    BadArgument,
    background_policy,
    choice_arg,
    form_values,
    int_arg,
    requires,
    signed_in,
    text_arg,
    uuid_arg,
)
from thrust.auth.rbac import Actor
from thrust.auth.state import AuthState, acting_user, user_bound
from thrust.core.errors import DomainError, NotFound, ValidationFailed
from thrust.core.reflex_compat import call_handler
from thrust.core.text import initials
from thrust.core.types import utcnow
from thrust.gym.clock import GymClock, gym_clock
from thrust.gym.clock import today as clock_today
from thrust.members import bulk, csv_import, directory, search, service
from thrust.members.capabilities import (
    CREATE_MEMBERS,
    DELETE_MEMBERS,
    EDIT_MEMBERS,
    MANAGE_MEMBERSHIPS,
    OPEN_MEMBER_FORM,
    VIEW_MEMBERS,
    allowed,
)
from thrust.members.uploads import drop_upload, read_upload, store_upload
from thrust.models import MembershipTier, MemberStatus
from thrust.ui import routes
from thrust.ui.feedback import error_toast, field_errors, in_unit_of_work, saved_toast

log = logging.getLogger("thrust.members")


ALL = "all"
NO_TRAINER = "none"
STATUS_CHOICES = (ALL, *(s.value for s in MemberStatus))
TIER_CHOICES = (ALL, *(t.value for t in MembershipTier))
EXPIRING_DAYS = ("7", "14", "30", "60", "90")
EXPIRED = "expired"
MEMBERSHIP_CHOICES = (ALL, *EXPIRING_DAYS, EXPIRED)
SORT_CHOICES = tuple(key.value for key in search.SortKey)
ORDER_CHOICES = ("asc", "desc")
PAGE_SIZES = ("25", "50", "100")
# The first click on a column sorts the way people read it: names A-Z, soonest end first, latest visit first.
FIRST_ORDER = {"name": "asc", "membershipEnd": "asc", "lastVisit": "desc"}
BULK_VERBS = {"activate": "Activated", "deactivate": "Deactivated", "freeze": "Froze"}

LOAD_FAILED = "The members could not be loaded. Check that the database is reachable, then try again."


# -- shapes the pages show --------------------------------------------------------------------------


@dataclasses.dataclass
class MemberRow:
    """One directory row, already worded for the table."""

    id: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    initials: str = ""
    tier: str = ""
    status: str = ""
    end: str = ""
    cue: str = ""
    cue_tone: str = ""  # red: expired, amber: ends within 30 days, gray: later
    trainer: str = ""
    last_visit: str = ""
    last_visit_exact: str = ""


@dataclasses.dataclass
class TrainerOption:
    id: str = ""
    name: str = ""


@dataclasses.dataclass
class MemberDetail:
    """A member's profile as the page words it."""

    id: str = ""
    name: str = ""
    initials: str = ""
    email: str = ""
    phone: str = ""
    date_of_birth: str = ""
    age: str = ""
    gender: str = ""
    tier: str = ""
    status: str = ""
    start: str = ""
    end: str = ""
    cue: str = ""
    cue_tone: str = ""
    ends_in: str = ""  # "331 days left", or the cue when it matters
    trainer: str = ""
    last_visit: str = ""
    member_since: str = ""
    inside_now: bool = False
    visits_30: int = 0
    average_visit: str = ""


@dataclasses.dataclass
class VisitRow:
    id: str = ""
    day: str = ""
    checked_in: str = ""
    checked_out: str = ""
    duration: str = ""
    automatic: bool = False
    open: bool = False


@dataclasses.dataclass
class FormValues:
    """What the member form starts with (all text: inputs are uncontrolled)."""

    fullName: str = ""
    email: str = ""
    phone: str = ""
    dateOfBirth: str = ""
    gender: str = "unspecified"
    membershipTier: str = "BASIC"
    membershipStart: str = ""
    membershipEnd: str = ""
    status: str = "ACTIVE"
    assignedTrainerId: str = NO_TRAINER
    trainerName: str = ""


@dataclasses.dataclass
class MappingRow:
    column: str = ""
    field: str = ""  # "" shows as "ignore"
    sample: str = ""


@dataclasses.dataclass
class ProblemRow:
    line: int = 0
    field: str = ""
    message: str = ""


# -- wording ----------------------------------------------------------------------------------------


def cue_tone(days_left: int) -> str:
    if days_left < 0:
        return "red"
    return "amber" if days_left <= 30 else "gray"


def relative_time(moment: datetime | None, now: datetime) -> str:
    """'just now', '12 minutes ago', '3 hours ago', 'yesterday', '5 days ago', '2 months ago'."""
    if moment is None:
        return "Never"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = hours // 24
    if days == 1:
        return "yesterday"
    if days < 31:
        return f"{days} days ago"
    months = days // 30
    if months < 12:
        return f"{months} month{'s' if months != 1 else ''} ago"
    years = days // 365
    return f"{years} year{'s' if years != 1 else ''} ago"


def day_label(value: date | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


def minutes_label(minutes: int | None) -> str:
    if minutes is None:
        return ""
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def count_label(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _row(summary: directory.MemberSummary, now: datetime, gym: GymClock) -> MemberRow:
    last = summary.last_visit_at
    return MemberRow(
        id=str(summary.id),
        name=summary.full_name,
        email=summary.email,
        phone=summary.phone or "",
        initials=initials(summary.full_name),
        tier=summary.membership_tier.value,
        status=summary.status.value,
        end=day_label(summary.membership_end),
        cue=summary.membership_cue,
        cue_tone=cue_tone(summary.days_left),
        trainer=summary.trainer_name or "",
        last_visit=relative_time(last, now),
        last_visit_exact=gym.local(last).strftime("%-d %b %Y, %H:%M") if last else "",
    )


def _trainers(session: Session, actor: Actor) -> list[TrainerOption]:
    return [TrainerOption(str(tid), name) for tid, name in directory.list_trainers(session, actor)]


# -- the directory ------------------------------------------------------------------------------------


@user_bound
class MembersState(rx.State):
    """The directory: search, filters, order, one page of rows, the selection and bulk actions."""

    query: str = ""
    status: str = ALL
    tier: str = ALL
    trainer: str = ALL
    membership: str = ALL
    sort: str = "name"
    order: str = "asc"
    page: int = 1
    limit: int = 25

    rows: list[MemberRow] = []
    total: int = 0
    total_exact: bool = True  # False: at least `total` match (the count stopped there)
    loaded: bool = False
    loading: bool = False
    error: str = ""
    trainers: list[TrainerOption] = []

    selected: list[str] = []
    all_matching: bool = False

    bulk_open: bool = False
    bulk_action: str = ""
    bulk_count: int = 0
    bulk_busy: bool = False

    # -- derived, for the page ---------------------------------------------------------------------

    @rx.var
    def total_pages(self) -> int:
        return max(1, -(-self.total // max(1, self.limit)))

    @rx.var
    def range_label(self) -> str:
        if self.total == 0 or not self.rows:
            return "No members"
        first = (self.page - 1) * self.limit + 1
        last = first + len(self.rows) - 1
        return f"{first:,}–{last:,} of {self.total:,}{'' if self.total_exact else '+'}"

    @rx.var
    def count_summary(self) -> str:
        if not self.loaded or self.error:
            return ""
        return f"{self.total:,}{'' if self.total_exact else '+'} member{'' if self.total == 1 else 's'}"

    @rx.var
    def page_label(self) -> str:
        if self.total_exact:
            return f"Page {self.page:,} of {max(1, -(-self.total // max(1, self.limit))):,}"
        return f"Page {self.page:,}"

    @rx.var
    def has_next(self) -> bool:
        if not self.total_exact:
            return len(self.rows) == self.limit
        return self.page * self.limit < self.total

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.query.strip()) or any(
            value != ALL for value in (self.status, self.tier, self.trainer, self.membership)
        )

    @rx.var
    def page_selected(self) -> bool:
        # Nothing selected is the usual case: answer it without walking the rows.
        return bool(self.selected) and bool(self.rows) and all(row.id in self.selected for row in self.rows)

    @rx.var
    def selection_label(self) -> str:
        if self.all_matching:
            if not self.total_exact:
                return f"All members matching this filter ({self.total:,}+) are selected"
            return f"All {count_label(self.total, 'member')} matching this filter are selected"
        return f"{count_label(len(self.selected), 'member')} selected"

    @rx.var
    def select_all_label(self) -> str:
        if not self.total_exact:
            return f"Select all {self.total:,}+ matching this filter"
        return f"Select all {self.total:,} matching this filter"

    @rx.var
    def export_href(self) -> str:
        query = {
            k: v for k, v in self._filter_values().items() if k not in ("sort", "order", "page", "limit")
        }
        return "/api/v1/members/export" + (f"?{urlencode(query)}" if query else "")

    @rx.var
    def bulk_title(self) -> str:
        verb = {"activate": "Activate", "deactivate": "Deactivate", "freeze": "Freeze"}.get(
            self.bulk_action, ""
        )
        return f"{verb} {count_label(self.bulk_count, 'member')}?"

    # -- filters <-> service -----------------------------------------------------------------------

    def _filter_values(self) -> dict[str, str]:
        """The directory's query as the service (and the API's query string) names it."""
        raw: dict[str, str] = {}
        if self.query.strip():
            raw["q"] = self.query.strip()
        if self.status != ALL:
            raw["status"] = self.status
        if self.tier != ALL:
            raw["tier"] = self.tier
        if self.trainer != ALL:
            raw["trainerId"] = self.trainer
        if self.membership == EXPIRED:
            raw["expired"] = "true"
        elif self.membership != ALL:
            raw["expiringWithinDays"] = self.membership
        raw["sort"] = self.sort
        raw["order"] = self.order
        raw["page"] = str(self.page)
        raw["limit"] = str(self.limit)
        return raw

    def _url(self) -> str:
        """The page's address for the current view, so a reload or a shared link shows the same."""
        params: dict[str, str] = {}
        if self.query.strip():
            params["q"] = self.query.strip()
        for key, value in (
            ("status", self.status),
            ("tier", self.tier),
            ("trainer", self.trainer),
            ("membership", self.membership),
        ):
            if value != ALL:
                params[key] = value
        if self.sort != "name" or self.order != "asc":
            params["sort"], params["order"] = self.sort, self.order
        if self.page != 1:
            params["page"] = str(self.page)
        if self.limit != 25:
            params["limit"] = str(self.limit)
        return routes.MEMBERS + (f"?{urlencode(params)}" if params else "")

    def _read_url(self) -> None:
        """Take the view from the address (typed by anyone: bad values are ignored, not trusted)."""
        params = self.router.url.query_parameters

        def pick(name: str, choices: tuple[str, ...], default: str) -> str:
            value = params.get(name)
            return value if isinstance(value, str) and value in choices else default

        query = params.get("q")
        self.query = query[: search.MAX_QUERY_LENGTH] if isinstance(query, str) else ""
        self.status = pick("status", STATUS_CHOICES, ALL)
        self.tier = pick("tier", TIER_CHOICES, ALL)
        self.membership = pick("membership", MEMBERSHIP_CHOICES, ALL)
        trainer = params.get("trainer")
        self.trainer = ALL
        if trainer == NO_TRAINER:
            self.trainer = NO_TRAINER
        elif isinstance(trainer, str):
            with contextlib.suppress(ValueError):
                self.trainer = str(uuid.UUID(trainer))
        self.sort = pick("sort", SORT_CHOICES, "name")
        self.order = pick("order", ORDER_CHOICES, FIRST_ORDER[self.sort])
        page = params.get("page")
        wanted = int(page) if isinstance(page, str) and page.isdigit() else 0
        self.page = wanted if 0 < wanted <= search.MAX_PAGE else 1
        self.limit = int(pick("limit", PAGE_SIZES, "25"))

    def _forget_selection(self) -> None:
        self.selected = []
        self.all_matching = False

    async def _load(self, actor: Actor) -> Any:
        """Query the current page (in a worker thread); on success also put the view in the address."""
        try:
            filters = search.parse_filters(self._filter_values())
        except ValidationFailed:
            # Only a stale trainer id or similar can get here; start over rather than show nothing.
            self.trainer = self.status = self.tier = self.membership = ALL
            filters = search.parse_filters(self._filter_values())

        up_to = directory.count_limit_for(filters)

        def work(session: Session) -> tuple[list[MemberRow], int, bool, int]:
            result = directory.list_members(session, actor, filters, count_up_to=up_to)
            page = result.page
            if not result.rows and result.total and result.total_is_exact and page > result.total_pages:
                # The page ran past the end (a filter shrank the list): show the last one.
                page = result.total_pages
                result = directory.list_members(
                    session, actor, dataclasses.replace(filters, page=page), count_up_to=up_to
                )
            now, gym = utcnow(), gym_clock(session)
            return [_row(s, now, gym) for s in result.rows], result.total, result.total_is_exact, page

        try:
            rows, total, exact, page = await in_unit_of_work(work, read_only=True)
        except DomainError as error:
            self.error = error.message
            self.loading = False
            return error_toast(error)
        except Exception:
            log.exception("loading the members directory failed")
            self.error = LOAD_FAILED
            self.loading = False
            return None
        self.rows, self.total, self.total_exact, self.page = rows, total, exact, page
        self.error = ""
        self.loaded = True
        self.loading = False
        url = json.dumps(self._url())
        return rx.call_script(
            f"if (window.location.pathname.replace(/\\/$/, '') === {json.dumps(routes.MEMBERS)}) "
            f"window.history.replaceState(window.history.state, '', {url})"
        )

    async def _reload(self) -> AsyncIterator[Any]:
        """Show that a query runs, run it, show the rows."""
        self.loading = True
        yield
        yield await self._load(await acting_user(self))

    # -- opening the page --------------------------------------------------------------------------

    @rx.event
    @signed_in
    async def open_directory(self) -> AsyncIterator[Any]:
        """On load: staff see the directory; a member goes to their own profile."""
        actor = await acting_user(self)
        if not allowed(actor, VIEW_MEMBERS):
            from thrust.auth.service import member_of

            own = await in_unit_of_work(lambda session: member_of(session, actor.user_id), read_only=True)
            if own is not None:
                yield rx.redirect(routes.MEMBERS + f"/{own.id}", replace=True)
            else:
                self.error = "The members directory is for staff. Your own details are under Settings."
                self.loaded = True
            return
        self._read_url()
        self._forget_selection()
        self.bulk_open = False
        self.loading = True
        yield
        try:
            self.trainers = await in_unit_of_work(lambda session: _trainers(session, actor), read_only=True)
        except DomainError:
            self.trainers = []
        yield await self._load(actor)

    @rx.event
    @requires(*VIEW_MEMBERS)
    async def retry(self) -> AsyncIterator[Any]:
        async for update in self._reload():
            yield update

    # -- search, filters, order, pages -------------------------------------------------------------

    @rx.event
    @requires(*VIEW_MEMBERS)
    async def search(self, value: str) -> AsyncIterator[Any]:
        self.query = text_arg(value, "search", max_length=search.MAX_QUERY_LENGTH)
        self.page = 1
        self._forget_selection()
        async for update in self._reload():
            yield update

    @rx.event
    @requires(*VIEW_MEMBERS)
    async def filter_status(self, value: str) -> AsyncIterator[Any]:
        self.status = choice_arg(value, "status", STATUS_CHOICES)
        async for update in self._refiltered():
            yield update

    @rx.event
    @requires(*VIEW_MEMBERS)
    async def filter_tier(self, value: str) -> AsyncIterator[Any]:
        self.tier = choice_arg(value, "tier", TIER_CHOICES)
        async for update in self._refiltered():
            yield update

    @rx.event
    @requires(*VIEW_MEMBERS)
    async def filter_trainer(self, value: str) -> AsyncIterator[Any]:
        if value in (ALL, NO_TRAINER):
            self.trainer = value
        else:
            self.trainer = str(uuid_arg(value, "trainer"))
        async for update in self._refiltered():
            yield update

    @rx.event
    @requires(*VIEW_MEMBERS)
    async def filter_membership(self, value: str) -> AsyncIterator[Any]:
        self.membership = choice_arg(value, "membership", MEMBERSHIP_CHOICES)
        async for update in self._refiltered():
            yield update

    async def _refiltered(self) -> AsyncIterator[Any]:
        self.page = 1
        self._forget_selection()
        async for update in self._reload():
            yield update

    @rx.event
    @requires(*VIEW_MEMBERS)
    async def clear_filters(self) -> AsyncIterator[Any]:
        self.query = ""
        self.status = self.tier = self.trainer = self.membership = ALL
        async for update in self._refiltered():
            yield update

    @rx.event
    @requires(*VIEW_MEMBERS)
    async def sort_by(self, column: str) -> AsyncIterator[Any]:
        column = choice_arg(column, "sort", SORT_CHOICES)
        if column == self.sort:
            self.order = "desc" if self.order == "asc" else "asc"
        else:
            self.sort, self.order = column, FIRST_ORDER[column]
        self.page = 1
        async for update in self._reload():
            yield update

    @rx.event
    @requires(*VIEW_MEMBERS)
    async def set_page_size(self, value: str) -> AsyncIterator[Any]:
        self.limit = int(choice_arg(value, "page size", PAGE_SIZES))
        self.page = 1
        self._forget_selection()
        async for update in self._reload():
            yield update

    @rx.event
    @requires(*VIEW_MEMBERS)
    async def go_to_page(self, page: int) -> AsyncIterator[Any]:
        page = int_arg(page, "page", minimum=1, maximum=search.MAX_PAGE)
        self.page = min(page, self.total_pages) if self.total_exact else page
        self.selected = []
        async for update in self._reload():
            yield update

    # -- selection ---------------------------------------------------------------------------------

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    def toggle_row(self, member_id: str, checked: bool) -> None:
        member_id = str(uuid_arg(member_id, "member"))
        if not isinstance(checked, bool):
            raise BadArgument("checked", "must be true or false")
        if member_id not in {row.id for row in self.rows}:
            raise BadArgument("member", "is not on this page")
        self.all_matching = False
        if checked and member_id not in self.selected:
            self.selected = [*self.selected, member_id]
        elif not checked:
            self.selected = [i for i in self.selected if i != member_id]

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    def toggle_page(self, checked: bool) -> None:
        if not isinstance(checked, bool):
            raise BadArgument("checked", "must be true or false")
        self.all_matching = False
        self.selected = [row.id for row in self.rows] if checked else []

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    def select_all_matching(self) -> None:
        self.selected = [row.id for row in self.rows]
        self.all_matching = True

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    def clear_selection(self) -> None:
        self._forget_selection()

    # -- bulk actions ------------------------------------------------------------------------------

    def _targets(self) -> dict[str, Any]:
        if self.all_matching:
            return {"filters": search.parse_filters(self._filter_values())}
        return {"member_ids": [uuid.UUID(i) for i in self.selected]}

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    async def ask_bulk(self, action: str) -> Any:
        """Count what the action would touch and ask for confirmation."""
        action = choice_arg(action, "action", tuple(BULK_VERBS))
        if not self.selected and not self.all_matching:
            return rx.toast.info("Select members first.")
        actor = await acting_user(self)
        targets = self._targets()
        try:
            count = await in_unit_of_work(
                lambda session: bulk.count_targets(session, actor, **targets), read_only=True
            )
        except DomainError as error:
            return error_toast(error)
        self.bulk_action, self.bulk_count, self.bulk_open = action, count, True
        return None

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    def cancel_bulk(self) -> None:
        self.bulk_open = False
        self.bulk_busy = False

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    async def confirm_bulk(self) -> AsyncIterator[Any]:
        """Apply the confirmed action in one transaction, then say how many changed."""
        if not self.bulk_open or self.bulk_action not in BULK_VERBS:
            yield rx.toast.info("Nothing to confirm.")
            return
        action = bulk.BulkAction(self.bulk_action)
        actor = await acting_user(self)
        targets = self._targets()
        self.bulk_busy = True
        yield
        try:
            changed = await in_unit_of_work(
                lambda session: bulk.apply_bulk_action(session, actor, action, **targets)
            )
        except DomainError as error:
            self.bulk_busy = False
            yield error_toast(error)
            return
        self.bulk_busy = False
        self.bulk_open = False
        self._forget_selection()
        yield saved_toast(f"{BULK_VERBS[action.value]} {count_label(changed, 'member')}")
        yield await self._load(actor)


# -- a member's profile -------------------------------------------------------------------------------


def _detail(profile: service.MemberProfile, now: datetime, gym: GymClock, today: date) -> MemberDetail:
    m = profile.member
    age = ""
    if m.date_of_birth:
        years = today.year - m.date_of_birth.year
        years -= (today.month, today.day) < (m.date_of_birth.month, m.date_of_birth.day)
        age = f"{years} years"
    return MemberDetail(
        id=str(m.id),
        name=m.full_name,
        initials=initials(m.full_name),
        email=profile.email,
        phone=m.phone or "",
        date_of_birth=day_label(m.date_of_birth),
        age=age,
        gender=(m.gender or "").capitalize(),
        tier=m.membership_tier.value,
        status=m.status.value,
        start=day_label(m.membership_start),
        end=day_label(m.membership_end),
        cue=profile.membership_cue,
        cue_tone=cue_tone(profile.days_left),
        ends_in=f"{profile.days_left:,} days left" if profile.days_left > 30 else profile.membership_cue,
        trainer=profile.trainer_name or "",
        last_visit=relative_time(m.last_visit_at, now),
        member_since=day_label(gym.local(m.created_at).date()) if m.created_at else "",
        inside_now=profile.inside_now,
        visits_30=profile.visits_last_30_days,
        average_visit=minutes_label(profile.average_visit_minutes) or "No visits yet",
    )


def _visit(visit: service.Visit, gym: GymClock) -> VisitRow:
    start = gym.local(visit.check_in_time)
    end = gym.local(visit.check_out_time) if visit.check_out_time else None
    return VisitRow(
        id=str(visit.id),
        day=start.strftime("%a %-d %b %Y"),
        checked_in=start.strftime("%H:%M"),
        checked_out=end.strftime("%H:%M") if end else "",
        duration=minutes_label(visit.minutes),
        automatic=visit.automatic,
        open=end is None,
    )


@user_bound
class ProfileState(rx.State):
    """One member's page; what it may show and do is decided by the service for the viewer."""

    member: MemberDetail = MemberDetail()
    visits: list[VisitRow] = []
    visits_page: int = 1
    visits_total: int = 0
    can_edit: bool = False
    can_edit_membership: bool = False
    can_delete: bool = False
    loaded: bool = False
    loading: bool = False
    error: str = ""

    delete_open: bool = False
    delete_visits: int = 0
    delete_plans: int = 0
    busy: bool = False

    _member_id: str = ""

    @rx.var
    def visits_pages(self) -> int:
        return max(1, -(-self.visits_total // service.VISITS_PAGE_SIZE))

    @rx.var
    def visits_label(self) -> str:
        if not self.visits_total:
            return "No visits recorded"
        first = (self.visits_page - 1) * service.VISITS_PAGE_SIZE + 1
        last = min(self.visits_total, first + len(self.visits) - 1)
        return f"{first:,}–{last:,} of {count_label(self.visits_total, 'visit')}"

    @rx.var
    def delete_summary(self) -> str:
        return (
            f"This permanently deletes their login, {count_label(self.delete_visits, 'visit')} and "
            f"{count_label(self.delete_plans, 'workout plan')}. It cannot be undone."
        )

    def _id_from_path(self) -> uuid.UUID | None:
        segment = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        try:
            return uuid.UUID(segment)
        except ValueError:
            return None

    async def _fetch(self, actor: Actor, member_id: uuid.UUID, visits_page: int = 1) -> Any:
        def work(session: Session) -> tuple[MemberDetail, list[VisitRow], int, int, tuple[bool, bool, bool]]:
            profile = service.get_member_profile(session, actor, member_id, visits_page=visits_page)
            gym, now = gym_clock(session), utcnow()
            today = gym.today()
            return (
                _detail(profile, now, gym, today),
                [_visit(v, gym) for v in profile.visits],
                profile.visits_total,
                profile.visits_page,
                (profile.can_edit, profile.can_edit_membership, profile.can_delete),
            )

        try:
            detail, visits, total, page, rights = await in_unit_of_work(work, read_only=True)
        except NotFound:
            self._show_missing()
            return None
        except DomainError as error:
            self.error, self.loaded, self.loading = error.message, True, False
            return error_toast(error)
        except Exception:
            log.exception("loading a member profile failed")
            self.error = "This member could not be loaded. Try again in a moment."
            self.loaded, self.loading = True, False
            return None
        self.member, self.visits, self.visits_total, self.visits_page = detail, visits, total, page
        self.can_edit, self.can_edit_membership, self.can_delete = rights
        self._member_id = detail.id
        self.error, self.loaded, self.loading = "", True, False
        return None

    def _show_missing(self) -> None:
        self.member = MemberDetail()
        self.visits, self.visits_total = [], 0
        self.can_edit = self.can_edit_membership = self.can_delete = False
        self._member_id = ""
        self.error = "This member does not exist, or is not one you can see."
        self.loaded, self.loading = True, False

    @rx.event
    @signed_in
    async def open_profile(self) -> AsyncIterator[Any]:
        """On load: the member named by the address (the service decides whether the viewer may see it)."""
        actor = await acting_user(self)
        self.delete_open = False
        member_id = self._id_from_path()
        if member_id is None:
            self._show_missing()
            return
        if self._member_id != str(member_id):
            self.loaded = False
            self.member = MemberDetail()
            self.visits = []
        self.loading = True
        yield
        yield await self._fetch(actor, member_id)

    @rx.event
    @signed_in
    async def show_visits_page(self, page: int) -> Any:
        page = int_arg(page, "page", minimum=1, maximum=10_000)
        if not self._member_id:
            return None
        return await self._fetch(
            await acting_user(self), uuid.UUID(self._member_id), min(page, self.visits_pages)
        )

    @rx.event
    @signed_in
    async def refresh(self) -> Any:
        if not self._member_id:
            return None
        return await self._fetch(await acting_user(self), uuid.UUID(self._member_id), self.visits_page)

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    async def change_status(self, action: str) -> Any:
        """Activate, deactivate or freeze this member (admins: the business side of a membership)."""
        action = choice_arg(action, "action", tuple(BULK_VERBS))
        if not self._member_id:
            return None
        actor = await acting_user(self)
        member_id = uuid.UUID(self._member_id)
        status = bulk.STATUS_FOR[bulk.BulkAction(action)]
        try:
            await in_unit_of_work(
                lambda session: service.update_member(session, actor, member_id, {"status": status.value})
            )
        except DomainError as error:
            return error_toast(error)
        self.delete_open = False
        await self._fetch(actor, member_id, self.visits_page)
        return saved_toast(f"{self.member.name} is now {status.value.lower()}")

    @rx.event
    @requires(*DELETE_MEMBERS)
    async def ask_delete(self) -> Any:
        if not self._member_id:
            return None
        actor = await acting_user(self)
        member_id = uuid.UUID(self._member_id)
        try:
            impact = await in_unit_of_work(
                lambda session: service.deletion_impact(session, actor, member_id), read_only=True
            )
        except DomainError as error:
            return error_toast(error)
        self.delete_visits, self.delete_plans = impact.visits, impact.workout_plans
        self.delete_open = True
        return None

    @rx.event
    @requires(*DELETE_MEMBERS)
    def cancel_delete(self) -> None:
        self.delete_open = False

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    async def deactivate_instead(self) -> Any:
        self.delete_open = False
        return await call_handler(ProfileState.change_status, self, "deactivate")

    @rx.event
    @requires(*DELETE_MEMBERS)
    async def confirm_delete(self) -> Any:
        if not self._member_id or not self.delete_open:
            return None
        actor = await acting_user(self)
        member_id = uuid.UUID(self._member_id)
        name = self.member.name
        try:
            await in_unit_of_work(lambda session: service.delete_member(session, actor, member_id))
        except DomainError as error:
            return error_toast(error)
        self.reset()
        return [saved_toast(f"Deleted {name}"), rx.redirect(routes.MEMBERS)]


# -- the member form (create and edit) ------------------------------------------------------------------

FORM_LIMITS = {
    "fullName": 120,
    "email": 254,
    "phone": 32,
    "dateOfBirth": 10,
    "gender": 16,
    "membershipTier": 16,
    "membershipStart": 10,
    "membershipEnd": 10,
    "status": 16,
    "assignedTrainerId": 36,
}
GENDER_CHOICES = ("unspecified", *service.GENDERS)
PERSONAL_FIELDS = ("fullName", "phone", "dateOfBirth", "gender")  # what every editor may change


@user_bound
class MemberFormState(rx.State):
    """The add / edit dialog. Field messages come from the service's details, by field name."""

    open: bool = False
    editing: bool = False
    values: FormValues = FormValues()
    errors: dict[str, str] = {}
    trainers: list[TrainerOption] = []
    can_edit_membership: bool = False
    saving: bool = False
    form_key: int = 0

    _member_id: str = ""

    def _start(self, values: FormValues, trainers: list[TrainerOption]) -> None:
        self.values = values
        self.trainers = trainers
        self.errors = {}
        self.saving = False
        self.form_key += 1
        self.open = True

    @rx.event
    @requires(*CREATE_MEMBERS)
    async def open_create(self) -> Any:
        actor = await acting_user(self)

        def work(session: Session) -> tuple[list[TrainerOption], date]:
            return _trainers(session, actor), clock_today(session)

        trainers, today = await in_unit_of_work(work, read_only=True)
        try:
            end = today.replace(year=today.year + 1)
        except ValueError:  # 29 February
            end = today.replace(year=today.year + 1, day=28)
        self.editing = False
        self._member_id = ""
        self.can_edit_membership = True
        self._start(FormValues(membershipStart=today.isoformat(), membershipEnd=end.isoformat()), trainers)
        return None

    @rx.event
    @requires(*EDIT_MEMBERS)
    async def open_edit(self, member_id: str) -> Any:
        target = uuid_arg(member_id, "member")
        actor = await acting_user(self)

        def work(session: Session) -> tuple[FormValues, list[TrainerOption], bool]:
            profile = service.get_member_profile(session, actor, target)
            if not profile.can_edit:
                raise NotFound("Member not found")
            m = profile.member
            values = FormValues(
                fullName=m.full_name,
                email=profile.email,
                phone=m.phone or "",
                dateOfBirth=m.date_of_birth.isoformat() if m.date_of_birth else "",
                gender=m.gender or "unspecified",
                membershipTier=m.membership_tier.value,
                membershipStart=m.membership_start.isoformat(),
                membershipEnd=m.membership_end.isoformat(),
                status=m.status.value,
                assignedTrainerId=str(m.assigned_trainer_id) if m.assigned_trainer_id else NO_TRAINER,
                trainerName=profile.trainer_name or "No trainer",
            )
            return values, _trainers(session, actor), profile.can_edit_membership

        try:
            values, trainers, membership = await in_unit_of_work(work, read_only=True)
        except DomainError as error:
            return error_toast(error)
        self.editing = True
        self._member_id = str(target)
        self.can_edit_membership = membership
        self._start(values, trainers)
        return None

    @rx.event
    @requires(*OPEN_MEMBER_FORM)
    def close(self) -> None:
        self.open = False
        self.errors = {}
        self.saving = False

    @rx.event
    @requires(*OPEN_MEMBER_FORM)
    async def save(self, form_data: dict) -> AsyncIterator[Any]:
        values = form_values(form_data, FORM_LIMITS)
        actor = await acting_user(self)
        # Personal data always; every other field as the form sent it. The form has inputs for the
        # admin-only fields (members service ADMIN_ONLY_FIELDS) only where the service allowed them when
        # it opened: a trainer sees them read-only, with no input to send. Sent anyway, the service
        # refuses the whole change and nothing is saved.
        sent = {key for key, value in form_data.items() if value is not None}
        data = {key: values[key] for key in FORM_LIMITS if key in PERSONAL_FIELDS or key in sent}
        data["gender"] = "" if values["gender"] in ("", "unspecified") else values["gender"]
        if data.get("assignedTrainerId") == NO_TRAINER:
            data["assignedTrainerId"] = ""
        self.saving = True
        yield

        if self.editing:
            member_id = uuid.UUID(self._member_id) if self._member_id else None
            if member_id is None:
                self.saving = False
                yield rx.toast.error("Open a member to edit first.")
                return

            def work(session: Session) -> tuple[str, str]:
                member = service.update_member(session, actor, member_id, data)
                return str(member.id), member.full_name
        else:

            def work(session: Session) -> tuple[str, str]:
                member = service.create_member(session, actor, data)
                return str(member.id), member.full_name

        try:
            saved_id, name = await in_unit_of_work(work)
        except DomainError as error:
            self.errors = field_errors(error)
            self.saving = False
            yield error_toast(error)
            return
        self.errors = {}
        self.saving = False
        self.open = False
        if self.editing:
            yield saved_toast(f"Saved {name}")
            yield ProfileState.refresh
        else:
            yield saved_toast(f"Added {name}. Their login works once they set a password.")
            yield rx.redirect(routes.MEMBERS + f"/{saved_id}")


# -- CSV import ----------------------------------------------------------------------------------------

IGNORE = "ignore"
MAX_PROBLEMS_SHOWN = 200
STALE_IMPORT_SECONDS = 15 * 60
IMPORT_STEPS = ("upload", "map", "report", "importing", "done")


class _Progress:
    """Shared between the import's worker thread and the background event that reports it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = 0
        self.total = 0

    def update(self, done: int, total: int) -> None:
        with self.lock:
            self.done, self.total = done, total

    def read(self) -> tuple[int, int]:
        with self.lock:
            return self.done, self.total


@user_bound
class ImportState(rx.State):
    """Upload a CSV, map its columns, check it (nothing written), then import every row or none."""

    open: bool = False
    step: str = "upload"
    file_name: str = ""
    file_size: str = ""
    row_count: int = 0
    mapping: list[MappingRow] = []
    date_format: str = "YYYY-MM-DD"
    mapping_error: str = ""
    checking: bool = False

    ready: int = 0
    rows_with_errors: int = 0
    problems: list[ProblemRow] = []
    problems_hidden: int = 0
    duplicate_emails: list[str] = []
    can_import: bool = False

    progress: int = 0
    progress_label: str = ""
    imported: int = 0
    error: str = ""

    _upload: str = ""
    _checked: str = ""  # the mapping + format a clean dry run approved; the import must match it
    _running: bool = False
    _running_since: float = 0.0

    def _busy(self) -> bool:
        """An import is running (one that started long ago died with its server: forget it)."""
        if self._running and time.time() - self._running_since > STALE_IMPORT_SECONDS:
            self._running = False
        return self._running

    @rx.var
    def import_label(self) -> str:
        return f"Import {count_label(self.ready, 'member')}"

    @rx.var
    def field_choices(self) -> list[list[str]]:
        return [[IGNORE, "Ignore this column"], *[[key, label] for key, label in csv_import.FIELDS.items()]]

    # -- opening and closing -----------------------------------------------------------------------

    def _clear(self) -> None:
        drop_upload(self._upload)
        self._upload = self._checked = ""
        self.step = "upload"
        self.file_name = self.file_size = self.mapping_error = self.error = ""
        self.row_count = self.ready = self.rows_with_errors = self.problems_hidden = 0
        self.mapping, self.problems, self.duplicate_emails = [], [], []
        self.can_import = self.checking = False
        self.progress, self.progress_label, self.imported = 0, "", 0

    @rx.event
    @requires(*CREATE_MEMBERS)
    def open_import(self) -> None:
        if not self._busy():
            self._clear()
        self.open = True

    @rx.event
    @requires(*CREATE_MEMBERS)
    def close_import(self) -> Any:
        self.open = False
        if self._busy():
            return rx.toast.info("The import continues; it finishes as one transaction.")
        finished = self.step == "done"
        self._clear()
        return MembersState.retry if finished else None

    @rx.event
    @requires(*CREATE_MEMBERS)
    def start_over(self) -> None:
        if not self._busy():
            self._clear()

    @rx.event
    @requires(*CREATE_MEMBERS)
    async def download_template(self) -> Any:
        today = await in_unit_of_work(clock_today, read_only=True)
        return rx.download(data=csv_import.template_csv(today), filename="thrust-members-template.csv")

    # -- upload and mapping ------------------------------------------------------------------------

    @rx.event
    @requires(*CREATE_MEMBERS)
    async def upload(self, files: list[rx.UploadFile]) -> Any:
        """Keep the file (at most 5 MB, checked before parsing) and suggest a column for each field."""
        if self._busy():
            return rx.toast.info("An import is running; wait for it to finish.")
        if not isinstance(files, list) or len(files) != 1:
            return rx.toast.error("Choose one CSV file.")
        upload = files[0]
        data = await upload.read(csv_import.MAX_IMPORT_BYTES + 1)
        if len(data) > csv_import.MAX_IMPORT_BYTES:
            return rx.toast.error(f"The file is larger than {csv_import.MAX_IMPORT_BYTES // 2**20} MB.")

        def work() -> tuple[str, csv_import.CsvFile, dict[str, str]]:
            stored, parsed = store_upload(data)
            return stored, parsed, csv_import.suggest_mapping(parsed.headers)

        try:
            stored, parsed, suggested = await asyncio.to_thread(work)
        except DomainError as error:
            self.error = error.details[0].message if error.details else error.message
            return rx.toast.error(self.error)
        self._clear()
        self._upload = stored
        self.file_name = (upload.name or "members.csv")[:120]
        self.file_size = f"{len(data) / 1024:,.0f} KB" if len(data) >= 1024 else f"{len(data)} bytes"
        self.row_count = len(parsed.rows)
        samples = parsed.rows[0] if parsed.rows else []
        self.mapping = [
            MappingRow(
                column=header,
                field=suggested.get(header) or IGNORE,
                sample=(samples[index] if index < len(samples) else "")[:60],
            )
            for index, header in enumerate(parsed.headers)
        ]
        self.step = "map"
        return None

    @rx.event
    @requires(*CREATE_MEMBERS)
    def set_field(self, column: str, field: str) -> None:
        column = choice_arg(column, "column", [row.column for row in self.mapping] or [""])
        field = choice_arg(field, "field", (IGNORE, *csv_import.FIELDS))
        self.mapping = [
            dataclasses.replace(row, field=field if row.column == column else row.field)
            for row in self.mapping
        ]
        self.mapping_error = ""
        self.can_import = False

    @rx.event
    @requires(*CREATE_MEMBERS)
    def set_date_format(self, value: str) -> None:
        self.date_format = choice_arg(value, "date format", tuple(csv_import.DATE_FORMATS))
        self.can_import = False

    def _mapping_dict(self) -> dict[str, str]:
        return {row.column: ("" if row.field == IGNORE else row.field) for row in self.mapping}

    def _fingerprint(self) -> str:
        return json.dumps([self._upload, self._mapping_dict(), self.date_format], sort_keys=True)

    # -- the dry run -------------------------------------------------------------------------------

    @rx.event
    @requires(*CREATE_MEMBERS)
    def check(self) -> Any:
        """The dry run: every row checked as the form would, duplicates found; nothing written.

        20,000 rows take seconds, so it runs as a background event (the tab stays responsive).
        """
        if self._busy() or not self._upload or self.checking:
            return None
        self.checking = True
        self.mapping_error = ""
        return ImportState.run_check

    async def _background_actor(self) -> Actor | None:
        """Inside `async with self` of a background event: the verified user, if still an importer."""
        auth = await self.get_state(AuthState)
        actor = await auth._verify()
        return actor if actor is not None and allowed(actor, CREATE_MEMBERS) else None

    @rx.event(background=True)
    @background_policy(*CREATE_MEMBERS)
    async def run_check(self) -> Any:
        async with self:
            actor = await self._background_actor()
            if actor is None or not self.checking or not self._upload:
                self.checking = False
                return None
            name, mapping, date_format = self._upload, self._mapping_dict(), self.date_format
            checked = self._fingerprint()

        def work(session: Session) -> csv_import.ImportPlan:
            return csv_import.plan_import(session, actor, read_upload(name), mapping, date_format)

        try:
            plan = await in_unit_of_work(work, read_only=True)
        except DomainError as error:
            async with self:
                self.checking = False
                self.mapping_error = error.details[0].message if error.details else error.message
                return rx.toast.error(self.mapping_error)
        async with self:
            self.checking = False
            self.ready = plan.ready
            self.rows_with_errors = plan.rows_with_errors
            self.problems = [
                ProblemRow(p.line, csv_import.FIELDS.get(p.field, p.field), p.message)
                for p in plan.problems[:MAX_PROBLEMS_SHOWN]
            ]
            self.problems_hidden = max(0, len(plan.problems) - MAX_PROBLEMS_SHOWN)
            self.duplicate_emails = plan.duplicate_emails[:50]
            # Approved only for exactly what was checked (a change of mapping meanwhile withdraws it).
            self.can_import = plan.can_import and checked == self._fingerprint()
            self._checked = checked if self.can_import else ""
            self.row_count = plan.total_rows
            self.error = ""
            self.step = "report"
        return None

    @rx.event
    @requires(*CREATE_MEMBERS)
    def back_to_mapping(self) -> None:
        if not self._busy() and self._upload:
            self.step = "map"

    # -- the import --------------------------------------------------------------------------------

    @rx.event
    @requires(*CREATE_MEMBERS)
    def start_import(self) -> Any:
        """Only what a clean dry run approved, unchanged since, may be imported."""
        if self._busy():
            return None
        if not self.can_import or not self._checked or self._checked != self._fingerprint():
            return rx.toast.error("Check the file first; only a file without problems can be imported.")
        self._running, self._running_since = True, time.time()
        self.step = "importing"
        self.progress, self.progress_label, self.error = 0, "Checking every row once more…", ""
        return ImportState.run_import

    @rx.event(background=True)
    @background_policy(*CREATE_MEMBERS)
    async def run_import(self) -> Any:
        """Import in one transaction in a worker thread, reporting progress as the rows go in."""
        async with self:
            actor = await self._background_actor()
            if actor is None or not self._running:
                self._running = False
                return None
            name, mapping, date_format = self._upload, self._mapping_dict(), self.date_format

        progress = _Progress()

        def work(session: Session) -> int:
            data = read_upload(name)
            return csv_import.run_import(
                session, actor, data, mapping, date_format, on_progress=progress.update
            )

        task = asyncio.ensure_future(in_unit_of_work(work))
        while not task.done():
            await asyncio.wait({task}, timeout=0.25)
            done, total = progress.read()
            if total:
                async with self:
                    self.progress = min(99, round(100 * done / total))
                    self.progress_label = f"Importing {done:,} of {total:,} members…"
        async with self:
            self._running = False
            try:
                imported = task.result()
            except DomainError as error:
                self.step = "report"
                self.can_import = False
                self._checked = ""
                self.error = error.message + " Nothing was imported."
                return rx.toast.error(self.error)
            except Exception:
                log.exception("a members import failed")
                self.step = "report"
                self.can_import = False
                self.error = "The import failed and was rolled back; nothing was imported."
                return rx.toast.error(self.error)
            drop_upload(self._upload)
            self._upload = self._checked = ""
            self.imported = imported
            self.progress, self.progress_label = 100, f"Imported {imported:,} members"
            self.step = "done"
            return saved_toast(f"Imported {count_label(imported, 'member')}")
