"""State of the staff dashboard (admins and trainers): the metric cards and members at risk, then the
charts in a state of their own, loaded by an event of their own after the cards', so the cards never wait.

Thin: each handler calls the analytics service (thrust/analytics/service.py) in a worker thread and keeps
what the page shows; the charts' figures and CSV come from thrust/dashboard/charts.py. Everything here is
the signed-in user's (`@user_bound`), and only staff sockets fill it: the page's loader asks first.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any

import plotly.graph_objects as go
import reflex as rx
from sqlmodel import Session

from thrust.analytics import service
from thrust.analytics.at_risk import AtRiskList
from thrust.analytics.buckets import BucketSize
from thrust.analytics.capabilities import VIEW_GYM_ANALYTICS
from thrust.analytics.profile import Heatmap
from thrust.analytics.summary import Summary
from thrust.auth.arguments import choice_arg, form_values
from thrust.auth.guard import requires, signed_in
from thrust.auth.rbac import Actor, Permission, allowed
from thrust.auth.state import acting_user, user_bound
from thrust.core.text import initials
from thrust.core.types import utcnow
from thrust.core.validation import FieldReader
from thrust.dashboard import charts
from thrust.gym.clock import gym_clock
from thrust.ui.feedback import in_unit_of_work, refusals
from thrust.ui.format import count_label, minutes_label, relative_time

PERIODS = ("30", "90", "365")  # the visits chart's quick ranges, in days
CHARTS = ("today", "visits", "heatmap", "lengths", "tiers")
RANGE_LIMITS = {"from": 10, "to": 10}


@dataclasses.dataclass
class AtRiskRow:
    """A member whose visits fell off, worded for the list."""

    id: str = ""
    name: str = ""
    initials: str = ""
    usual: str = ""  # "usually 6 visits a fortnight"
    recent: str = ""  # "1 visit in the last 14 days"
    last_visit: str = ""  # "9 days ago"


def _at_risk_rows(found: AtRiskList, now: datetime) -> list[AtRiskRow]:
    return [
        AtRiskRow(
            id=str(m.member_id),
            name=m.name,
            initials=initials(m.name),
            usual=f"usually {m.usual_visits:g} visits a fortnight",
            recent=f"{count_label(m.recent_visits, 'visit')} in the last 14 days",
            last_visit=relative_time(m.last_visit, now),
        )
        for m in found.members
    ]


def _versus(today: int, last_week: int, weekday: str) -> str:
    """ "4 more than last Tuesday by this time" (the same weekday a week ago, up to the same time)."""
    difference = today - last_week
    if difference == 0:
        return f"As many as last {weekday} by this time"
    more = "more" if difference > 0 else "fewer"
    return f"{abs(difference)} {more} than last {weekday} by this time"


@user_bound
class StaffCardsState(rx.State):
    """The metric cards and the members at risk, for the members the user may see."""

    active: int = 0
    frozen: int = 0
    inactive: int = 0
    visits_today: int = 0
    visits_versus: str = ""
    visits_up: bool = True
    expiring_7: int = 0
    expiring_30: int = 0
    new_this_month: int = 0
    average_visit: str = ""  # "52 min"; "" without finished visits
    whose: str = ""  # "All members" / "Your assigned members"
    loaded: bool = False

    at_risk: list[AtRiskRow] = []
    at_risk_total: int = 0
    at_risk_loaded: bool = False

    @rx.event
    @signed_in
    async def open_dashboard(self) -> Any:
        """The dashboard's loader: staff get their cards, then the charts; anyone else nothing here."""
        actor = await acting_user(self)
        if not allowed(actor, VIEW_GYM_ANALYTICS):
            return None
        return [StaffCardsState.load_cards, StaffChartsState.load_charts]

    def _show(self, cards: Summary, actor: Actor, weekday: str) -> None:
        self.active, self.frozen, self.inactive = cards.active, cards.frozen, cards.inactive
        self.visits_today = cards.visits_today
        self.visits_versus = _versus(cards.visits_today, cards.visits_last_week, weekday)
        self.visits_up = cards.visits_today >= cards.visits_last_week
        self.expiring_7, self.expiring_30 = cards.expiring_7, cards.expiring_30
        self.new_this_month = cards.new_this_month
        minutes = cards.average_visit_minutes
        self.average_visit = "" if minutes is None else minutes_label(round(minutes))
        self.whose = "All members" if actor.can(Permission.MEMBERS_VIEW_ALL) else "Your assigned members"
        self.loaded = True

    @rx.event
    @requires(*VIEW_GYM_ANALYTICS)
    async def load_cards(self) -> Any:
        """The cards first (one read), then the members at risk."""
        actor = await acting_user(self)
        now = utcnow()

        def read_cards(session: Session) -> tuple[Summary, str]:
            weekday = gym_clock(session).local(now).strftime("%A")
            return service.summary(session, actor, now=now), weekday

        with refusals(self) as refused:
            cards, weekday = await in_unit_of_work(read_cards, read_only=True)
            self._show(cards, actor, weekday)
        if refused:
            yield refused.toast
            return
        yield

        def read_at_risk(session: Session) -> AtRiskList:
            return service.members_at_risk(session, actor, now=now)

        with refusals(self) as refused:
            found = await in_unit_of_work(read_at_risk, read_only=True)
            self.at_risk = _at_risk_rows(found, now)
            self.at_risk_total = found.total
            self.at_risk_loaded = True
        if refused:
            yield refused.toast


# -- the charts -------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _VisitsRead:
    visits: charts.Chart
    lengths: charts.Chart
    tiers: charts.Chart
    first: date
    last: date


def _read_visits(
    session: Session, actor: Actor, first: date | None, last: date | None, *, days: int | None = None
) -> _VisitsRead:
    """The visits chart and the visit mix of one range: `first` to `last`, or the `days` up to today."""
    if days is not None:
        last = gym_clock(session).local(utcnow()).date()
        first = last - timedelta(days=days - 1)
    history = service.history(session, actor, first=first, last=last, bucket=BucketSize.DAY)
    lead_in = service.history(
        session,
        actor,
        first=history.first - timedelta(days=charts.AVERAGE_DAYS - 1),
        last=history.first - timedelta(days=1),
        bucket=BucketSize.DAY,
    )
    mix = service.visit_mix(session, actor, first=history.first, last=history.last)
    return _VisitsRead(
        charts.visits_chart(history, lead_in.points),
        charts.lengths_chart(mix),
        charts.tiers_chart(mix),
        history.first,
        history.last,
    )


@user_bound
class StaffChartsState(rx.State):
    """The charts: figures, what each says in a line, whether it has data, and its CSV (backend only)."""

    # Blank until loaded: every client receives these defaults when it connects, so they stay small.
    today_fig: go.Figure = charts.blank()
    visits_fig: go.Figure = charts.blank()
    heatmap_fig: go.Figure = charts.blank()
    lengths_fig: go.Figure = charts.blank()
    tiers_fig: go.Figure = charts.blank()
    summaries: dict[str, str] = {}
    empty: dict[str, bool] = {}
    busiest: list[str] = []
    quietest: list[str] = []
    loaded: bool = False

    # The visits chart's range: a quick period or two dates; their messages under the date fields.
    period: str = "30"
    range_from: str = ""
    range_to: str = ""
    range_label: str = ""
    range_errors: dict[str, str] = {}
    range_busy: bool = False

    _csv: dict[str, str] = {}
    _files: dict[str, str] = {}

    def _keep(self, name: str, chart: charts.Chart, file: str) -> None:
        setattr(self, f"{name}_fig", chart.figure)
        self.summaries = {**self.summaries, name: chart.summary}
        self.empty = {**self.empty, name: chart.empty}
        self._csv = {**self._csv, name: chart.csv}
        self._files = {**self._files, name: f"thrust-{file}.csv"}

    def _keep_visits(self, read: _VisitsRead) -> None:
        span = f"{read.first.isoformat()}-to-{read.last.isoformat()}"
        self._keep("visits", read.visits, f"visits-per-day-{span}")
        self._keep("lengths", read.lengths, f"visit-lengths-{span}")
        self._keep("tiers", read.tiers, f"tier-mix-{span}")
        self.range_from, self.range_to = read.first.isoformat(), read.last.isoformat()
        self.range_label = charts.range_label(read.first, read.last)
        self.range_errors = {}

    @rx.event
    @requires(*VIEW_GYM_ANALYTICS)
    async def load_charts(self) -> Any:
        """Every chart in one read (an event of its own after the cards', so they never wait for it)."""
        actor = await acting_user(self)
        now = utcnow()

        def read(session: Session) -> tuple[charts.Chart, charts.Chart, Heatmap, date, _VisitsRead]:
            today = charts.today_chart(
                service.today(session, actor, now=now), service.forecast(session, actor, now=now), now
            )
            found = service.heatmap(session, actor, now=now)
            day = gym_clock(session).local(now).date()
            visits = _read_visits(session, actor, None, None, days=int(PERIODS[0]))
            return today, charts.heatmap_chart(found), found, day, visits

        with refusals(self) as refused:
            today, heat, found, day, visits = await in_unit_of_work(read, read_only=True)
            self._keep("today", today, f"occupancy-{day.isoformat()}")
            self._keep("heatmap", heat, f"weekday-hours-{day.isoformat()}")
            self.busiest, self.quietest = found.busiest, found.quietest
            self._keep_visits(visits)
            self.period = PERIODS[0]
            self.loaded = True
        return refused.toast if refused else None

    async def _show_range(self, first: date | None, last: date | None, days: int | None = None) -> Any:
        actor = await acting_user(self)
        self.range_busy = True
        yield
        with refusals(self, fields="range_errors", range_busy=False) as refused:
            read = await in_unit_of_work(
                lambda s: _read_visits(s, actor, first, last, days=days), read_only=True
            )
            self._keep_visits(read)
            self.range_busy = False
        if refused:
            yield refused.toast

    @rx.event
    @requires(*VIEW_GYM_ANALYTICS)
    async def choose_period(self, days: str | list[str]) -> Any:
        """The last 30, 90 or 365 days, up to today."""
        if days == "":  # the chosen period clicked again: it stays chosen
            return
        period = choice_arg(days, "days", PERIODS)
        self.period = period
        async for update in self._show_range(None, None, int(period)):
            yield update

    @rx.event
    @requires(*VIEW_GYM_ANALYTICS)
    async def apply_range(self, form_data: dict[str, Any]) -> Any:
        """Two dates typed or picked: what is wrong with them (the service's word) shows under the field."""
        reader = FieldReader(form_values(form_data, RANGE_LIMITS))
        first = reader.day("from", "Start", required=True)
        last = reader.day("to", "End", required=True)
        with refusals(self, fields="range_errors") as refused:
            reader.raise_if_problems()
        if refused:
            yield refused.toast
            return
        self.period = ""
        async for update in self._show_range(first, last):
            yield update

    @rx.event
    @requires(*VIEW_GYM_ANALYTICS)
    def download_csv(self, chart: str) -> Any:
        """The chart's data as the page drew it, as a CSV file."""
        name = choice_arg(chart, "chart", CHARTS)
        if name not in self._csv:
            return rx.toast.info("The chart is still loading.")
        return rx.download(data=self._csv[name], filename=self._files[name])
