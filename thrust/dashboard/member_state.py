"""State of the member's dashboard: today's occupancy and its forecast as a chart with a hint in words, and
the member's own visits this month. Nothing about anyone else: the gym-wide figures carry no names, and
the visits are the caller's own (the services decide both); how busy it is right now is LiveState's."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import plotly.graph_objects as go
import reflex as rx
from sqlmodel import Session

from thrust.analytics import service as analytics
from thrust.analytics.capabilities import VIEW_GYM_ANALYTICS
from thrust.auth.guard import signed_in
from thrust.auth.rbac import Actor, allowed
from thrust.auth.state import acting_user, user_bound
from thrust.checkins import visits as checkins_visits
from thrust.checkins.visit_lines import VisitLine
from thrust.core.errors import NotFound
from thrust.core.types import utcnow
from thrust.dashboard.member_chart import day_chart
from thrust.gym.clock import gym_clock
from thrust.gym.service import DAYS, get_gym
from thrust.ui.feedback import in_unit_of_work
from thrust.ui.format import count_label, minutes_label

NO_FORECAST = "No forecast yet: it needs a few days of visits to learn the gym's rhythm."
DAY_OVER = "The day is nearly over: no more hours to forecast."
NO_VISITS = "No visits yet this month."
RECENT_VISITS = 5  # shown at once; the month's earlier ones one click away


@dataclasses.dataclass
class OwnVisitRow(VisitLine):
    """One of the member's own visits: also its hours in one line."""

    hours: str = ""  # 18:05–19:30

    @classmethod
    def _columns(cls, visit: checkins_visits.Visit, start: datetime, end: datetime | None) -> dict[str, Any]:
        return {"hours": f"{start:%H:%M}–{end:%H:%M}" if end else f"since {start:%H:%M}"}


@dataclasses.dataclass
class MemberDay:
    """Everything the member's dashboard shows, read in one unit of work."""

    figure: go.Figure
    summary: str
    closed: bool  # closed all day today (no chart)
    hint: str
    note: str  # why there is no forecast ("" when there is one)
    month: str
    count: int
    time_inside: str
    visits: list[OwnVisitRow]
    visits_note: str


def read_member_day(session: Session, actor: Actor, now: datetime | None = None) -> MemberDay:
    """The dashboard's figures for `actor` (each service checks what they may read)."""
    now = now or utcnow()
    clock = gym_clock(session)
    local_now = clock.local(now)
    expected = analytics.forecast(session, actor, now=now)
    so_far = analytics.history(session, actor, now=now).points
    opening = (get_gym(session).opening_hours or {}).get(DAYS[local_now.weekday()])
    chart = day_chart(
        so_far,
        expected.hours,
        current=expected.current,
        now=local_now,
        opening=(opening[0], opening[1]) if opening else None,
    )
    # The forecast covers the hours after the current one: none in the day's last hour, nor without history.
    note = "" if expected.hours else DAY_OVER if local_now.hour == 23 else NO_FORECAST
    closed = not opening
    try:
        month = checkins_visits.my_visits_this_month(session, actor, now=now)
    except NotFound as error:
        return MemberDay(
            chart.figure, chart.summary, closed, expected.hint, note, "", 0, "", [], error.message
        )
    return MemberDay(
        figure=chart.figure,
        summary=chart.summary,
        closed=closed,
        hint=expected.hint,
        note=note,
        month=month.first.strftime("%B %Y"),
        count=month.count,
        time_inside=minutes_label(month.minutes) if month.minutes else "",
        visits=[OwnVisitRow.of(v, clock) for v in month.visits],
        visits_note="" if month.count else NO_VISITS,
    )


@user_bound
class MemberDashboardState(rx.State):
    """The member's dashboard (staff see their own dashboard instead, and this stays empty for them)."""

    loaded: bool = False
    figure: go.Figure = go.Figure()
    chart_summary: str = ""
    closed: bool = False
    hint: str = ""
    note: str = ""
    month: str = ""
    visit_count: int = 0
    visits_label: str = ""  # "4 visits"
    time_inside: str = ""
    visits: list[OwnVisitRow] = []  # the latest RECENT_VISITS
    earlier_visits: list[OwnVisitRow] = []  # the rest of the month's
    earlier_label: str = ""  # "Show 18 earlier visits"
    visits_note: str = ""

    @rx.event
    @signed_in
    async def load_member_dashboard(self) -> None:
        """On the dashboard: fill the member's view (a staff account gets the staff cards instead)."""
        actor = await acting_user(self)
        if allowed(actor, VIEW_GYM_ANALYTICS):
            return
        day = await in_unit_of_work(lambda session: read_member_day(session, actor), read_only=True)
        self.figure, self.chart_summary, self.closed = day.figure, day.summary, day.closed
        self.hint, self.note = day.hint, day.note
        self.month, self.visit_count, self.time_inside = day.month, day.count, day.time_inside
        self.visits_label = count_label(day.count, "visit")
        self.visits, self.earlier_visits = day.visits[:RECENT_VISITS], day.visits[RECENT_VISITS:]
        self.earlier_label = f"Show {count_label(len(self.earlier_visits), 'earlier visit')}"
        self.visits_note = day.visits_note
        self.loaded = True
