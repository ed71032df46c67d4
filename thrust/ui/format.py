"""How pages word minutes, dates, relative times and counts: one version of each, for every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

# One spelling of each date shape, so a date reads the same on every page.
DAY = "%-d %b %Y"  # 12 Mar 2027
WEEKDAY = "%a %-d %b %Y"  # Fri 12 Mar 2027
DAY_TIME = "%-d %b %Y, %H:%M"  # 12 Mar 2027, 14:05
WEEKDAY_TIME = "%a %-d %b %Y, %H:%M"  # Fri 12 Mar 2027, 14:05
WEEKDAY_TIME_SHORT = "%a %-d %b, %H:%M"  # Fri 12 Mar, 14:05 (this year's schedule)
LONG_DAY = "%A %-d %B %Y"  # Friday 12 March 2027

# How soon a membership's end is worth a word: within a month, amber; past, red.
SOON_DAYS = 30


def plural(count: int, noun: str) -> str:
    """`noun` with an "s" unless `count` is 1 (the noun alone, for "3 visits" write `count_label`)."""
    return noun if count == 1 else f"{noun}s"


def count_label(count: int, noun: str) -> str:
    """ "1 member", "1,204 members"."""
    return f"{count:,} {plural(count, noun)}"


def minutes_label(minutes: int | None) -> str:
    """ "45 min", "1 h 05 min"; empty for no value."""
    if minutes is None:
        return ""
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def day_label(value: date | datetime | None, shape: str = DAY) -> str:
    """A date in one of the shapes above (default "12 Mar 2027"); empty for no date.

    Pass a datetime already in the gym's local time (the gym clock's `local()`).
    """
    return value.strftime(shape) if value else ""


def relative_time(moment: datetime | None, now: datetime) -> str:
    """'just now', '12 minutes ago', '3 hours ago', 'yesterday', '5 days ago', '2 months ago'; 'Never'."""
    if moment is None:
        return "Never"
    if moment.tzinfo is None:  # the database hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{count_label(minutes, 'minute')} ago"
    hours = minutes // 60
    if hours < 24:
        return f"{count_label(hours, 'hour')} ago"
    days = hours // 24
    if days == 1:
        return "yesterday"
    if days < 31:
        return f"{days} days ago"
    months = days // 30
    if months < 12:
        return f"{count_label(months, 'month')} ago"
    # 360 to 364 days are 12 "months" but not yet 365 days: still a year, never "0 years".
    return f"{count_label(max(1, days // 365), 'year')} ago"


def cue_tone(days_left: int) -> str:
    """The colour of a membership's end: "red" once past, "amber" within SOON_DAYS, else "gray"."""
    if days_left < 0:
        return "red"
    return "amber" if days_left <= SOON_DAYS else "gray"
