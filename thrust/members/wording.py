"""How the members pages word times, dates, lengths and counts (until the UI kit's ui/format.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime


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
