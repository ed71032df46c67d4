"""The gym's clock: today's date, local times and wall-clock readings, all in the gym's timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from thrust.core.types import utcnow
from thrust.gym.service import gym_timezone

_UTC = ZoneInfo("UTC")


def _zone_named(name: str | None) -> ZoneInfo:
    # update_gym only stores zones this system knows; a row edited by hand (or a zone database that lost
    # a name) falls back to UTC rather than failing every page that shows a time.
    try:
        return ZoneInfo(name) if name else _UTC
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return _UTC


@dataclass(frozen=True, slots=True)
class GymClock:
    """The gym's timezone, read once: a page that formats many times asks the database once."""

    zone: ZoneInfo

    @classmethod
    def named(cls, timezone: str | None) -> GymClock:
        """The clock for a timezone name read along with other rows (UTC when there is none)."""
        return cls(_zone_named(timezone))

    def now(self) -> datetime:
        return utcnow().astimezone(self.zone)

    def today(self) -> date:
        """Today's date where the gym is (memberships end at the gym's midnight, not UTC's)."""
        return self.now().date()

    def local(self, moment: datetime) -> datetime:
        """An aware moment as the gym's wall clock shows it."""
        return moment.astimezone(self.zone)

    def hhmm(self, moment: datetime, *, seconds: bool = False) -> str:
        """A time as the front desk reads it, e.g. '18:05' (or '18:05:09')."""
        return self.local(moment).strftime("%H:%M:%S" if seconds else "%H:%M")

    def midnight(self, day: date) -> datetime:
        """The start of a day at the gym, as a UTC moment (for `>=` against stored times)."""
        return datetime.combine(day, time.min, tzinfo=self.zone).astimezone(UTC)


def gym_clock(session: Session) -> GymClock:
    """The clock of the gym this session's database belongs to."""
    try:
        return GymClock(gym_timezone(session))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return GymClock(_UTC)


def today(session: Session) -> date:
    """Today's date where the gym is."""
    return gym_clock(session).today()


def local(session: Session, moment: datetime) -> datetime:
    """An aware moment in the gym's timezone."""
    return gym_clock(session).local(moment)


def hhmm(session: Session, moment: datetime, *, seconds: bool = False) -> str:
    """A moment as the gym's wall clock reads it, e.g. '18:05'."""
    return gym_clock(session).hhmm(moment, seconds=seconds)
