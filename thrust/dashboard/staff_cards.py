"""The staff dashboard's metric cards and its members at risk: each number links to the member list whose
length it is (the directory's own filters, in its address) or to the chart that explains it."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from thrust.dashboard.state import AtRiskRow, StaffCardsState
from thrust.members.directory_rows import STARTED_THIS_MONTH
from thrust.models import MemberStatus
from thrust.ui import routes
from thrust.ui.avatar import avatar
from thrust.ui.cards import empty_note, metric_card, titled_card
from thrust.ui.layout import grid, stacked
from thrust.ui.lists import list_row, name_lines
from thrust.ui.text import fine_print, muted_text, name_link, section_heading

S = StaffCardsState
TODAY_CHART = "#today-chart"
VISITS_CHART = "#visits-chart"
LENGTHS_CHART = "#lengths-chart"


def members_url(**query: str) -> str:
    """The member directory showing what a card counts (its address parameters, as it reads them)."""
    return f"{routes.MEMBERS}?{urlencode(query)}"


# What each member card counts, as the directory's address: the card's number is that list's length.
MEMBER_LISTS = {
    "active": members_url(status=MemberStatus.ACTIVE.value),
    "frozen": members_url(status=MemberStatus.FROZEN.value),
    "inactive": members_url(status=MemberStatus.INACTIVE.value),
    "new-this-month": members_url(membership=STARTED_THIS_MONTH),
    "expiring-7": members_url(membership="7"),
    "expiring-30": members_url(membership="30"),
}


def _grid(*cards: rx.Component, wide: int) -> rx.Component:
    return grid(*cards, columns=rx.breakpoints(initial="2", md=str(min(wide, 3)), lg=str(wide)), gap="3")


def today_cards() -> rx.Component:
    """Visits today against last week, and the average visit (the live card sits next to them)."""
    return grid(
        metric_card(
            "visits-today",
            "door-open",
            "Visits today",
            S.visits_today,
            href=VISITS_CHART,
            hint=S.visits_versus,
            hint_color=rx.cond(S.visits_up, "var(--grass-11)", "var(--amber-11)"),
            loaded=S.loaded,
        ),
        metric_card(
            "average-visit",
            "timer",
            "Average visit",
            rx.cond(S.average_visit != "", S.average_visit, "—"),
            href=LENGTHS_CHART,
            hint=rx.cond(S.average_visit != "", "Last 30 days", "No finished visits in the last 30 days"),
            loaded=S.loaded,
        ),
        columns="1",
        gap="3",
    )


# The members cards: (metric, icon, label, number, tone); each opens its list in MEMBER_LISTS.
_MEMBER_CARDS = (
    ("active", "user-check", "Active", S.active, "grass"),
    ("frozen", "snowflake", "Frozen", S.frozen, "cyan"),
    ("inactive", "circle-pause", "Inactive", S.inactive, "gray"),
    ("new-this-month", "user-plus", "New this month", S.new_this_month, "accent"),
)


def member_cards() -> rx.Component:
    return stacked(
        section_heading("Members", S.whose),
        _grid(
            *[
                metric_card(metric, icon, label, value, href=MEMBER_LISTS[metric], tone=tone, loaded=S.loaded)
                for metric, icon, label, value, tone in _MEMBER_CARDS
            ],
            wide=4,
        ),
        gap="2",
    )


def _renewal_card(days: int, icon: str, number: rx.Var, when: str) -> rx.Component:
    metric = f"expiring-{days}"
    return metric_card(
        metric,
        icon,
        f"Ending within {days} days",
        number,
        href=MEMBER_LISTS[metric],
        hint=f"Memberships to renew {when}",
        tone="amber",
        loaded=S.loaded,
    )


def renewal_cards() -> rx.Component:
    return grid(
        _renewal_card(7, "calendar-clock", S.expiring_7, "this week"),
        _renewal_card(30, "calendar-range", S.expiring_30, "this month"),
        columns=rx.breakpoints(initial="2", md="1"),
        gap="3",
    )


# -- members at risk --------------------------------------------------------------------------------------


def _at_risk_row(row: rx.Var[AtRiskRow]) -> rx.Component:
    return list_row(
        avatar(row.initials, "2", "amber"),
        name_lines(
            name_link(row.name, routes.MEMBERS + "/" + row.id),
            fine_print(row.recent, " · ", row.usual),
        ),
        rx.spacer(),
        fine_print(row.last_visit, white_space="nowrap", title="Last visit"),
        key=row.id,
    )


def at_risk_card() -> rx.Component:
    """Active members whose visits fell below half their usual rhythm: the list to call through."""
    return titled_card(
        "heart-pulse",
        "Members at risk",
        muted_text("Visits in the last 14 days fell below half of their usual rhythm. Newest drop first."),
        rx.cond(
            ~S.at_risk_loaded,
            rx.skeleton(rx.box(height="8rem", width="100%"), loading=True),
            rx.cond(
                S.at_risk_total == 0,
                empty_note(
                    "No one at risk right now: everyone keeps to their usual rhythm.", id="at-risk-empty"
                ),
                stacked(
                    rx.foreach(S.at_risk, _at_risk_row),
                    rx.cond(
                        S.at_risk_total > S.at_risk.length(),
                        empty_note(
                            rx.text("The first ", S.at_risk.length(), " of ", S.at_risk_total, " are shown.")
                        ),
                    ),
                    gap="0",
                    id="at-risk-list",
                ),
            ),
        ),
        trailing=(
            rx.spacer(),
            rx.cond(S.at_risk_loaded, rx.badge(S.at_risk_total, variant="soft", color_scheme="amber")),
        ),
        spacing="3",
        id="at-risk",
    )
