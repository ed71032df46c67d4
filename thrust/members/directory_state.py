"""State of the members directory: search, filters, order and one page of rows (at most 100 small
rows; search, filters, sort and paging run in SQL), the view in the address, the selection and bulk
actions. A member who opens it is sent to their own profile.

Every handler is guarded (`@requires` with the members' capabilities; the middleware checks first),
reads its arguments with the guard helpers, and calls one service in a worker thread. Everything here
belongs to the signed-in user and is wiped on sign-out (`@user_bound`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from thrust.auth.arguments import BadArgument, choice_arg, int_arg, text_arg, uuid_arg
from thrust.auth.guard import requires, signed_in
from thrust.auth.rbac import Actor
from thrust.auth.state import acting_user, user_bound
from thrust.core.errors import DomainError, ValidationFailed
from thrust.core.paging import page_count
from thrust.core.types import utcnow
from thrust.gym.clock import gym_clock
from thrust.members import bulk, directory, search
from thrust.members.capabilities import MANAGE_MEMBERSHIPS, VIEW_MEMBERS, allowed
from thrust.members.directory_rows import (
    ALL,
    BULK_VERBS,
    EXPIRED,
    FIRST_ORDER,
    MEMBERSHIP_CHOICES,
    NO_TRAINER,
    ORDER_CHOICES,
    PAGE_SIZES,
    SORT_CHOICES,
    STARTED_THIS_MONTH,
    STATUS_CHOICES,
    TIER_CHOICES,
    MemberRow,
    TrainerOption,
    member_row,
    trainer_options,
)
from thrust.ui import routes
from thrust.ui.feedback import in_unit_of_work, refusals, saved_toast, shows_refusals
from thrust.ui.format import count_label

log = logging.getLogger("thrust.members")


LOAD_FAILED = "The members could not be loaded. Check that the database is reachable, then try again."


def _reloads(*, first_page: bool = False) -> Callable[[Callable[..., None]], Callable[..., Any]]:
    """Make a handler that changes the directory's view reload the page after the change (showing
    that a query runs, then the rows). `first_page`: the change makes another list (a search, a
    filter, a page size), so it starts on page 1 with nothing selected.

    Use under `@requires`; the handler keeps its signature (functools.wraps), which Reflex reads.
    """

    def decorate(change: Callable[..., None]) -> Callable[..., Any]:
        @functools.wraps(change)
        async def reload(self: MembersState, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            change(self, *args, **kwargs)  # Reflex passes the event's arguments by name
            if first_page:
                self.page = 1
                self._forget_selection()
            async for update in self._reload():
                yield update

        return reload

    return decorate


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

    # Keyset paging: _trail[i] is the cursor that starts page i + 2 of the view _trail_view (the filters
    # and order), so Next and Previous seek straight to their rows at any depth; a page reached by its
    # number alone (a reload, a shared link) is read by offset, which the service caps.
    _trail: list[str] = []
    _trail_view: str = ""

    bulk_open: bool = False
    bulk_action: str = ""
    bulk_count: int = 0
    bulk_busy: bool = False

    # -- derived, for the page ---------------------------------------------------------------------

    @rx.var
    def total_pages(self) -> int:
        return page_count(self.total, self.limit)

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
            return f"Page {self.page:,} of {page_count(self.total, self.limit):,}"
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
        elif self.membership == STARTED_THIS_MONTH:
            raw["startedThisMonth"] = "true"
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
        self.limit = int(pick("limit", PAGE_SIZES, "25"))
        page = params.get("page")
        wanted = int(page) if isinstance(page, str) and page.isdigit() else 0
        # Without the cursors that led there, a page is read by offset, which the service caps.
        self.page = wanted if 0 < wanted <= search.last_offset_page(self.limit) else 1

    def _forget_selection(self) -> None:
        self.selected = []
        self.all_matching = False

    async def _load(self, actor: Actor) -> Any:
        """Query the current page (in a worker thread); on success also put the view in the address."""
        raw = self._filter_values()
        view = json.dumps({k: v for k, v in raw.items() if k != "page"}, sort_keys=True)
        if view != self._trail_view:
            self._trail, self._trail_view = [], view
        if 1 < self.page <= len(self._trail) + 1:
            raw["after"] = self._trail[self.page - 2]
        try:
            filters = search.parse_filters(raw)
        except ValidationFailed:
            # Only a stale trainer id or similar can get here; start over rather than show nothing.
            self.trainer = self.status = self.tier = self.membership = ALL
            self.page, self._trail = 1, []
            filters = search.parse_filters(self._filter_values())
        up_to = directory.count_limit_for(filters)

        def work(session: Session) -> tuple[list[MemberRow], int, bool, int, str]:
            result = directory.list_members(session, actor, filters, count_up_to=up_to)
            page = result.page
            if not result.rows and result.total and result.total_is_exact and page > result.total_pages:
                # The page ran past the end (a filter shrank the list): show the last one.
                page = min(result.total_pages, search.last_offset_page(filters.limit))
                again = dataclasses.replace(filters, page=page, after=None)
                result = directory.list_members(session, actor, again, count_up_to=up_to)
            now, gym = utcnow(), gym_clock(session)
            rows = [
                member_row(s, now, gym, inside=result.found_inside(i), first_inside=i == result.inside_from)
                for i, s in enumerate(result.rows)
            ]
            cursor = result.next_after.token() if result.next_after is not None else ""
            return rows, result.total, result.total_is_exact, page, cursor

        try:
            with refusals(self, message="error", loading=False) as refused:
                rows, total, exact, page, cursor = await in_unit_of_work(work, read_only=True)
        except Exception:
            log.exception("loading the members directory failed")
            self.error = LOAD_FAILED
            self.loading = False
            return None
        if refused:
            return refused.toast
        self.rows, self.total, self.total_exact, self.page = rows, total, exact, page
        if cursor and len(self._trail) >= page - 1:
            self._trail = [*self._trail[: page - 1], cursor]
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
            self.trainers = await in_unit_of_work(
                lambda session: trainer_options(session, actor), read_only=True
            )
        except DomainError:
            self.trainers = []
        yield await self._load(actor)

    @rx.event
    @requires(*VIEW_MEMBERS)
    @_reloads()
    def retry(self) -> None:
        """Run the current query again (after a failed load, or an import added members)."""

    # -- search, filters, order, pages: each changes the view, then the page reloads -------------------

    @rx.event
    @requires(*VIEW_MEMBERS)
    @_reloads(first_page=True)
    def search(self, value: str) -> None:
        self.query = text_arg(value, "search", max_length=search.MAX_QUERY_LENGTH)

    @rx.event
    @requires(*VIEW_MEMBERS)
    @_reloads(first_page=True)
    def filter_status(self, value: str) -> None:
        self.status = choice_arg(value, "status", STATUS_CHOICES)

    @rx.event
    @requires(*VIEW_MEMBERS)
    @_reloads(first_page=True)
    def filter_tier(self, value: str) -> None:
        self.tier = choice_arg(value, "tier", TIER_CHOICES)

    @rx.event
    @requires(*VIEW_MEMBERS)
    @_reloads(first_page=True)
    def filter_trainer(self, value: str) -> None:
        self.trainer = value if value in (ALL, NO_TRAINER) else str(uuid_arg(value, "trainer"))

    @rx.event
    @requires(*VIEW_MEMBERS)
    @_reloads(first_page=True)
    def filter_membership(self, value: str) -> None:
        self.membership = choice_arg(value, "membership", MEMBERSHIP_CHOICES)

    @rx.event
    @requires(*VIEW_MEMBERS)
    @_reloads(first_page=True)
    def clear_filters(self) -> None:
        self.query = ""
        self.status = self.tier = self.trainer = self.membership = ALL

    @rx.event
    @requires(*VIEW_MEMBERS)
    @_reloads()
    def sort_by(self, column: str) -> None:
        """The selection stays: the same members, in another order."""
        column = choice_arg(column, "sort", SORT_CHOICES)
        if column == self.sort:
            self.order = "desc" if self.order == "asc" else "asc"
        else:
            self.sort, self.order = column, FIRST_ORDER[column]
        self.page = 1

    @rx.event
    @requires(*VIEW_MEMBERS)
    @_reloads(first_page=True)
    def set_page_size(self, value: str) -> None:
        self.limit = int(choice_arg(value, "page size", PAGE_SIZES))

    @rx.event
    @requires(*VIEW_MEMBERS)
    @_reloads()
    def go_to_page(self, page: int) -> None:
        page = int_arg(page, "page", minimum=1, maximum=search.MAX_PAGE)
        page = min(page, self.total_pages) if self.total_exact else page
        # A page past the offset limit is reached through the cursors of the pages before it only.
        reachable = page <= len(self._trail) + 1 or page <= search.last_offset_page(self.limit)
        self.page = page if reachable else self.page
        self.selected = []

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
    @shows_refusals()
    async def ask_bulk(self, action: str) -> Any:
        """Count what the action would touch and ask for confirmation."""
        action = choice_arg(action, "action", tuple(BULK_VERBS))
        if not self.selected and not self.all_matching:
            return rx.toast.info("Select members first.")
        actor = await acting_user(self)
        targets = self._targets()
        count = await in_unit_of_work(
            lambda session: bulk.count_targets(session, actor, **targets), read_only=True
        )
        self.bulk_action, self.bulk_count, self.bulk_open = action, count, True
        return None

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    def cancel_bulk(self) -> None:
        self.bulk_open = False
        self.bulk_busy = False

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    @shows_refusals(bulk_busy=False)
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
        changed = await in_unit_of_work(
            lambda session: bulk.apply_bulk_action(session, actor, action, **targets)
        )
        self.bulk_busy = False
        self.bulk_open = False
        self._forget_selection()
        yield saved_toast(f"{BULK_VERBS[action.value]} {count_label(changed, 'member')}")
        yield await self._load(actor)
