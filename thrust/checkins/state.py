"""State of the front desk and the live pages: desk search and actions, live occupancy, staff-only names.

- `LiveState`: occupancy only (no names), for every signed-in screen; filled on page load, then
  pushed by this worker's broadcaster (thrust/checkins/live.py) as the `LIVE_VIEWS` messages here, and
  brought up to the worker's newest read before a hydrate (`refresh_before_hydrate`).
- `LiveStaffState`: the activity feed and who is inside. Filled only for staff sockets (on load and
  by the broadcaster after `staff_actor` re-checked the session), so no name ever reaches a member's
  socket.
- `FrontDeskState`: the desk's search (at most 8 rows in state), keyboard highlight, check-in and
  check-out through the service, the service's refusals as it words them, the capacity override.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import TYPE_CHECKING, Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.arguments import BadArgument, form_values, text_arg, uuid_arg
from thrust.auth.guard import requires
from thrust.auth.rbac import Actor, allowed
from thrust.auth.sessions import lookup_actor
from thrust.auth.state import AuthState, acting_user, cookie_header, recorded_actor, user_bound
from thrust.checkins import service
from thrust.checkins.capabilities import OVERRIDE_CAPACITY, USE_DESK, VIEW_NAMES, VIEW_OCCUPANCY
from thrust.checkins.latest import LATEST, Latest, names_cleared, names_fields, occupancy_fields, read_began
from thrust.checkins.live import WATCHERS, Delta, Views, is_paused
from thrust.checkins.snapshot import FeedRow, InsideRow, Occupancy, now_ms, read_snapshot
from thrust.core.errors import DomainError, RateLimited
from thrust.gym import clock
from thrust.planner.today import TodaysDay, todays_day
from thrust.ui import routes
from thrust.ui.feedback import error_toast, in_unit_of_work, refusals
from thrust.ui.format import count_label, minutes_label

if TYPE_CHECKING:
    from reflex.state import BaseState

SEARCH_ID = "desk-search"
OVERRIDE_ID = "override-reason"
QUERY_LIMIT = 100


# -- live occupancy -------------------------------------------------------------------------------------


@user_bound
class LiveState(rx.State):
    """Occupancy now: the same for everyone signed in, and nothing else (no names here). Reset on
    sign-out like the user's own data: a signed-out tab holds no number.

    Its vars are the ones `occupancy_fields` fills (thrust/checkins/latest.py): the broadcaster sends
    them to every live page in one message, and this state takes them from the worker's newest read
    whenever it is itself sent (load, hydrate, the desk's own check-in), so it never sends an older one.
    """

    current: int = 0
    maximum: int = 0
    as_of: str = ""  # when the shown number was read, gym time
    percent: int = 0
    band: str = "green"  # green below 70 %, amber below 90 %, red from 90 %
    fill: str = "0%"  # the bar's width
    # Server clock of the last push or heartbeat: the page's freshness watchdog restarts on it.
    now_ms: int = 0
    paused: bool = False  # this worker's broadcaster lost the bus and is reconnecting
    loaded: bool = False
    # The occupancy in words for the page's polite live region, changed at most every ANNOUNCE_EVERY_MS.
    announcement: str = ""

    def _show_latest(self) -> None:
        """Take every var from the worker's newest read (all assigned, so all sent: the page may hold a
        pushed value this stored state never had)."""
        for name, value in occupancy_fields(LATEST, stamp=now_ms(), paused=is_paused()).items():
            setattr(self, name, value)

    @rx.event
    @requires(*VIEW_OCCUPANCY)
    async def load_live(self) -> None:
        """On a page with live data: read it now, then receive this worker's pushes.

        Names go to staff on the live traffic page only (the dashboard and the desk show the number).
        """
        actor = await acting_user(self)
        names = allowed(actor, VIEW_NAMES) and self._on_live_page()
        began = read_began()
        snapshot = await asyncio.to_thread(read_snapshot, actor if names else None)
        LATEST.offer(snapshot, began)
        self._show_latest()
        if names:
            (await self.get_state(LiveStaffState))._show_latest()
        auth = await self.get_state(AuthState)
        session = self.router.session
        WATCHERS.watch(session.client_token, session.session_id, staff=names, cookie=cookie_header(auth))

    def _on_live_page(self) -> bool:
        return (self.router.url.path.rstrip("/") or "/") == routes.LIVE


@user_bound
class LiveStaffState(rx.State):
    """Names for staff screens: the latest check-ins and check-outs, and who is inside now."""

    feed: list[FeedRow] = []
    inside: list[InsideRow] = []
    loaded: bool = False

    def _show_latest(self) -> None:
        """Take the names from the worker's newest read (for a user already allowed to see them)."""
        for name, value in names_fields(LATEST).items():
            setattr(self, name, value)


# -- the front desk ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class DeskMember:
    """A member as the desk shows them, both in a search row and on the greeting card."""

    id: str = ""
    name: str = ""
    initials: str = ""
    tier: str = ""
    ends: str = ""  # "12 Mar 2027"; "" outside the user's scope
    inside: bool = False
    visits: int = 0
    detailed: bool = False  # within the user's scope: the end and visits (and a row's contact) are filled


@dataclasses.dataclass
class DeskRow(DeskMember):
    """A member the desk search found."""

    contact: str = ""  # "ana@example.com · +34 612 345 678"; "" outside the user's scope
    warning: str = ""  # the service's cue: why a check-in will be refused, shown before Enter


@dataclasses.dataclass
class DeskCard(DeskMember):
    """The member just checked in or out, as the desk greets them."""

    headline: str = ""  # "Checked in at 18:05"
    detail: str = ""  # "Welcome, Ana!" / "Visit of 1 h 12 min"
    plan_day: str = ""  # today's day of their active plan: "Week 1 · Day 3: Upper body"; "" for none
    plan_exercises: str = ""  # "4 exercises: Goblet squat, Push-up, Row and 1 more"


def _plan_day(today: TodaysDay | None) -> tuple[str, str]:
    """Today's plan day as the card words it (heading, exercises), or two empty strings."""
    if today is None:
        return "", ""
    names = [name for name in today.first_exercises if name]
    more = today.exercise_count - len(names)
    listed = ", ".join(names) + (f" and {more} more" if more > 0 and names else "")
    exercises = count_label(today.exercise_count, "exercise") + (f": {listed}" if names else "")
    return f"Week {today.week_number} · Day {today.day_number}: {today.title}", exercises


def _row(found: service.DeskMember) -> DeskRow:
    """A search result as the desk shows it, from the service's projection for this user (so nothing
    outside their scope, like contact details, ever enters the state)."""
    person = found.person
    ends = f"{person.membership_end:%d %b %Y}" if person.membership_end else ""
    return DeskRow(
        id=str(person.id),
        name=person.full_name,
        initials=person.initials,
        contact=" · ".join(part for part in (person.email, person.phone) if part),
        tier=person.membership_tier.value,
        ends=ends,
        warning=found.refusal.cue if found.refusal else "",
        inside=found.open_visit_id is not None,
        visits=found.visits_this_month or 0,
        detailed=person.detailed,
    )


def _greeting(
    member: DeskMember,
    *,
    inside: bool,
    visits: int,
    headline: str,
    detail: str,
    today: TodaysDay | None = None,
) -> DeskCard:
    """The card greeting a member just checked in (`inside`) or out: one the search found, or the
    one on the card already (its Check out button); with today's day of their plan, if it has one."""
    plan_day, plan_exercises = _plan_day(today)
    # The card keeps what the desk knew of the member, with the visit's own inside and count.
    known = {field.name: getattr(member, field.name) for field in dataclasses.fields(DeskMember)}
    return DeskCard(
        **(known | {"inside": inside, "visits": visits}),
        headline=headline,
        detail=detail,
        plan_day=plan_day,
        plan_exercises=plan_exercises,
    )


@user_bound
class FrontDeskState(rx.State):
    """The desk: one search box, a highlighted row, Enter to check in (or out)."""

    query: str = ""
    results: list[DeskRow] = []
    highlight: int = 0
    searched: bool = False  # a search ran for `query` (so "no member matches" can be said)
    card: DeskCard = DeskCard()
    has_card: bool = False
    flash: int = 0  # bumped on each success: replays the card's flash
    refusal: str = ""
    refusal_code: str = ""
    overridable: bool = False  # the service says someone allowed to may let the member in anyway
    slow_down: str = ""  # the search was refused: too many at once (shown where results would be)
    can_override: bool = False  # overridable, and this user is allowed to (OVERRIDE_CAPACITY)
    override_open: bool = False
    override_error: str = ""
    _refused_id: str = ""

    def _clear_refusal(self) -> None:
        self.refusal = self.refusal_code = self.override_error = ""
        self.overridable = self.can_override = self.override_open = False
        self._refused_id = ""

    @rx.event
    @requires(*USE_DESK)
    def open_desk(self) -> Any:
        """Page load: a clean desk with the cursor in the search box."""
        self.reset()
        return rx.set_focus(SEARCH_ID)

    async def _search(self, text: str) -> None:
        self.query = text
        self.highlight = 0
        self.slow_down = ""
        if not text.strip():
            self.results = []
            self.searched = False
            return
        actor = await acting_user(self)
        try:
            found = await in_unit_of_work(
                lambda session: service.lookup(session, actor, text), read_only=True
            )
        except RateLimited as refused:
            # Said where the results would be; the rows of an earlier search would not answer this one.
            self.results, self.searched = [], False
            self.slow_down = refused.message
            return
        self.results = [_row(member) for member in found[: service.LOOKUP_LIMIT]]
        self.searched = True

    @rx.event
    @requires(*USE_DESK)
    async def search(self, text: str) -> Any:
        """As the user types (100 ms after the last key): the first eight matches by name, phone,
        email or member id."""
        text = text_arg(text, "q", max_length=QUERY_LIMIT)
        if text == self.query and not self.slow_down:
            return None
        self._clear_refusal()
        with refusals(self) as refused:
            await self._search(text)
        return refused.toast if refused else None

    @rx.event
    @requires(*USE_DESK)
    async def key_down(self, key: str) -> Any:
        """Arrows move the highlight, Enter acts on the highlighted member, Escape clears."""
        key = text_arg(key, "key", max_length=32)
        if key == "ArrowDown" and self.results:
            self.highlight = min(self.highlight + 1, len(self.results) - 1)
        elif key == "ArrowUp" and self.results:
            self.highlight = max(self.highlight - 1, 0)
        elif key == "Enter" and self.results:
            index = min(max(self.highlight, 0), len(self.results) - 1)
            return await self._act(self.results[index])
        elif key == "Escape":
            self.reset()
            return [rx.set_value(SEARCH_ID, ""), rx.set_focus(SEARCH_ID)]
        return None

    @rx.event
    @requires(*USE_DESK)
    async def act(self, member_id: str) -> Any:
        """A clicked row: check that member in (or out, if inside)."""
        wanted = str(uuid_arg(member_id, "member"))
        for index, row in enumerate(self.results):
            if row.id == wanted:
                self.highlight = index
                return await self._act(row)
        raise BadArgument("member", "is not in the search results")

    async def _act(self, row: DeskRow) -> Any:
        if row.inside:
            return await self._check_out(uuid.UUID(row.id), row)
        return await self._check_in(uuid.UUID(row.id), row, reason=None)

    async def _check_in(self, member_id: uuid.UUID, row: DeskRow, *, reason: str | None) -> Any:
        actor = await acting_user(self)

        def work(session: Session) -> tuple[service.CheckInResult, str, TodaysDay | None]:
            result = service.check_in(session, actor, member_id, override_reason=reason)
            # Today's plan day, as the planner lets this user see the member's plans (a trainer: their
            # assigned members' only): read in the check-in's unit, it never fails the check-in.
            return (
                result,
                clock.hhmm(session, result.visit.check_in_time),
                todays_day(session, actor, member_id),
            )

        began = read_began()
        try:
            result, at, today = await in_unit_of_work(work)
        except service.CheckInRefused as refused:
            self._clear_refusal()
            self.has_card = False  # the refusal is the news now, not an earlier greeting
            self.refusal, self.refusal_code = refused.message, refused.code
            self.overridable = refused.refusal.overridable
            self.can_override = self.overridable and allowed(actor, OVERRIDE_CAPACITY)
            self._refused_id = str(member_id)
            return rx.set_focus(SEARCH_ID)
        except DomainError as error:
            if reason is not None:
                # The reason field's own problem (e.g. text that cannot be stored), shown under it.
                self.override_error = error.details[0].message if error.details else error.message
                return None
            return error_toast(error)
        first = row.name.split()[0] if row.name.split() else row.name
        headline = f"Checked in at {at}" + (" (over capacity)" if reason else "")
        card = _greeting(
            row,
            inside=True,
            visits=row.visits + 1,
            headline=headline,
            detail=f"Welcome, {first}!",
            today=today,
        )
        return await self._done(card, result.capacity, began)

    async def _check_out(self, member_id: uuid.UUID, row: DeskMember) -> Any:
        actor = await acting_user(self)

        def work(session: Session) -> tuple[service.CheckInResult, str]:
            result = service.check_out_member(session, actor, member_id)
            return result, clock.hhmm(session, result.visit.check_out_time or result.visit.check_in_time)

        began = read_began()
        try:
            result, at = await in_unit_of_work(work)
        except DomainError as error:
            self._clear_refusal()
            self.has_card = False
            self.refusal, self.refusal_code = error.message, error.code
            return rx.set_focus(SEARCH_ID)
        visit = result.visit
        minutes = int(
            ((visit.check_out_time or visit.check_in_time) - visit.check_in_time).total_seconds() // 60
        )
        headline, detail = f"Checked out at {at}", f"Visit of {minutes_label(minutes)}"
        card = _greeting(row, inside=False, visits=row.visits, headline=headline, detail=detail)
        return await self._done(card, result.capacity, began)

    async def _done(self, card: DeskCard, capacity: service.Capacity, began: float) -> Any:
        """After a success: greet the member, clear the search for the next one, show the new number
        (the count the service made after the change, unless a round that began later read a newer one)."""
        self._clear_refusal()
        self.card, self.has_card = card, True
        self.flash += 1
        self.query, self.results, self.highlight, self.searched = "", [], 0, False
        self.slow_down = ""
        shown = LATEST.occupancy
        LATEST.offer_occupancy(Occupancy(capacity.current, capacity.max, shown.as_of if shown else ""), began)
        (await self.get_state(LiveState))._show_latest()
        return [rx.set_value(SEARCH_ID, ""), rx.set_focus(SEARCH_ID)]

    @rx.event
    @requires(*USE_DESK)
    async def check_out_card(self) -> Any:
        """The card's Check out button (e.g. a check-in made by mistake)."""
        if not self.has_card or not self.card.inside:
            return None
        return await self._check_out(uuid.UUID(self.card.id), self.card)

    # -- the override at capacity ---------------------------------------------------------------

    @rx.event
    @requires(*USE_DESK)
    def open_override(self) -> Any:
        if not self.can_override:
            return None
        self.override_open = True
        self.override_error = ""
        return rx.set_focus(OVERRIDE_ID)

    @rx.event
    @requires(*USE_DESK)
    def cancel_override(self) -> Any:
        self.override_open = False
        self.override_error = ""
        return rx.set_focus(SEARCH_ID)

    @rx.event
    @requires(*USE_DESK)
    async def override(self, form_data: dict) -> Any:
        """Let the refused member in past capacity, recording the user's reason (the service checks both)."""
        values = form_values(form_data, {"reason": 300})
        if not self._refused_id:
            return None
        reason = values["reason"].strip()
        if not reason:
            self.override_error = "Give a reason: it is recorded with the visit"
            return rx.set_focus(OVERRIDE_ID)
        member_id = uuid.UUID(self._refused_id)
        row = next((r for r in self.results if r.id == self._refused_id), None)
        if row is None:
            row = DeskRow(id=self._refused_id, name="", initials="?")
        return await self._check_in(member_id, row, reason=reason)


# -- what the broadcaster is given (thrust/thrust.py wires these into thrust/checkins/live.py) -----------


def _occupancy_message(latest: Latest, stamp: int, paused: bool) -> Delta:
    return {LiveState.get_full_name(): occupancy_fields(latest, stamp=stamp, paused=paused)}


def _names_message(latest: Latest) -> Delta:
    return {LiveStaffState.get_full_name(): names_fields(latest)}


def _names_cleared_message() -> Delta:
    return {LiveStaffState.get_full_name(): names_cleared()}


# What a push round sends to each audience (wired into the broadcaster by thrust/thrust.py).
LIVE_VIEWS = Views(occupancy=_occupancy_message, names=_names_message, names_cleared=_names_cleared_message)


async def refresh_before_hydrate(state: BaseState) -> None:
    """Before a hydrate sends a client its whole stored state: bring the live parts up to the worker's
    newest read, so a reload or a reconnect shows the number the pushes showed, never an older one."""
    auth = await state.get_state(AuthState)
    live = await state.get_state(LiveState)
    if not live.loaded or not auth._user_id:
        return  # no live page loaded yet (its load handler reads afresh), or nobody signed in
    staff = await state.get_state(LiveStaffState)
    actor = recorded_actor(auth)
    names = staff.loaded and allowed(actor, VIEW_NAMES)
    if LATEST.stale or LATEST.occupancy is None:
        # This worker skipped rounds while no page watched: its newest read may be old.
        began = read_began()
        LATEST.offer(await asyncio.to_thread(read_snapshot, actor if names else None), began)
    live._show_latest()
    if names:
        staff._show_latest()


async def staff_actor(cookie: str) -> Actor | None:
    """The actor a watcher's cookie still proves, if they may see names (checked before each round)."""
    actor = await lookup_actor(cookie)
    return actor if actor is not None and allowed(actor, VIEW_NAMES) else None
