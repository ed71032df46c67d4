"""State of the public page /busy: how busy the gym is now and over the next hours, for anyone, with no
session and no cookie. It reads the same public answer as GET /api/v1/public/occupancy (no names, no
counts of people), kept for 30 s per worker however many screens show it."""

from __future__ import annotations

import dataclasses

import reflex as rx
from sqlmodel import Session

from thrust.analytics.public import CACHE_SECONDS, PublicOccupancy, page_occupancy
from thrust.auth.policy import public_event
from thrust.checkins.bands import COLOURS, WORDS, band
from thrust.core.errors import NotFound
from thrust.gym.clock import gym_clock
from thrust.ui.feedback import in_unit_of_work

# The page asks again as often as the API lets caches keep its answer.
REFRESH_SECONDS = CACHE_SECONDS
TRENDS = {"filling up": "Filling up", "emptying": "Emptying", "steady": "Steady"}
# The bands' colours as the live pages paint them (Radix's grass is their green).
TONES = {colour: "grass" if colour == "green" else colour for colour in COLOURS.values()}


@dataclasses.dataclass
class BusyHour:
    """One of the next hours: its start on the gym's clock and how full it is expected to be."""

    label: str = ""
    percent: int = 0
    height: str = "0%"  # the bar's height (capped: a forecast may pass the capacity)
    tone: str = "grass"


@dataclasses.dataclass
class BusyNow:
    """The page's figures, as shown."""

    gym: str = ""
    percent: int = 0
    tone: str = "grass"  # the band's Radix colour (grass, amber, red)
    words: str = ""  # the band in words ("Plenty of room")
    trend: str = ""  # "filling up", "emptying" or "steady"
    trend_words: str = ""
    hint: str = ""  # "Quieter after 15:00"; empty without history
    height: str = "0%"  # now's bar, next to the hours'
    hours: list[BusyHour] = dataclasses.field(default_factory=list)
    as_of: str = ""  # when the figures were computed, gym time


def _tone(percent: int) -> str:
    return TONES[COLOURS[band(percent, 100)]]


def _height(percent: int) -> str:
    """A bar's height: a sliver for an empty hour, full at the capacity (a forecast may pass it)."""
    return f"{max(2, min(percent, 100))}%"


def _shown(answer: PublicOccupancy, as_of: str) -> BusyNow:
    return BusyNow(
        gym=answer.gym_name,
        percent=answer.percent,
        tone=TONES[COLOURS[answer.band]],
        words=WORDS[answer.band],
        trend=answer.trend,
        trend_words=TRENDS.get(answer.trend, ""),
        hint=answer.hint,
        height=_height(answer.percent),
        hours=[
            BusyHour(
                label=hour.start.strftime("%H:%M"),
                percent=hour.percent,
                height=_height(hour.percent),
                tone=_tone(hour.percent),
            )
            for hour in answer.hours
        ],
        as_of=as_of,
    )


def _read(session: Session) -> BusyNow:
    answer = page_occupancy(session)
    return _shown(answer, gym_clock(session).hhmm(answer.at))


class BusyState(rx.State):
    """What /busy shows: public figures only (the same for every visitor)."""

    now: BusyNow = BusyNow()
    loaded: bool = False
    published: bool = False

    @rx.event
    @public_event
    async def load_busy(self) -> None:
        """Read the figures (on load and every REFRESH_SECONDS); while the gym keeps them to itself the
        page says there is nothing here, as the server's 404 did."""
        try:
            shown = await in_unit_of_work(_read, read_only=True)
        except NotFound:
            self.published, self.now = False, BusyNow()
        else:
            self.published = True
            if shown != self.now:
                self.now = shown
        self.loaded = True
