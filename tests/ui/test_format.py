"""ui/format.py: the one wording of minutes, dates, relative times and counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from thrust.ui import format as fmt

NOW = datetime(2027, 3, 12, 14, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (None, ""),
        (0, "0 min"),
        (1, "1 min"),
        (59, "59 min"),
        (60, "1 h 00 min"),
        (72, "1 h 12 min"),
        (605, "10 h 05 min"),
    ],
)
def test_minutes_label(minutes: int | None, text: str) -> None:
    assert fmt.minutes_label(minutes) == text


@pytest.mark.parametrize(
    ("count", "text"), [(0, "0 members"), (1, "1 member"), (2, "2 members"), (1204, "1,204 members")]
)
def test_count_label(count: int, text: str) -> None:
    assert fmt.count_label(count, "member") == text


def test_plural_is_the_noun_alone() -> None:
    assert fmt.plural(1, "visit") == "visit"
    assert fmt.plural(0, "visit") == fmt.plural(3, "visit") == "visits"


def test_day_label_in_each_shape() -> None:
    day = date(2027, 3, 5)
    moment = datetime(2027, 3, 5, 9, 7)
    assert fmt.day_label(None) == ""
    assert fmt.day_label(day) == "5 Mar 2027"
    assert fmt.day_label(day, fmt.WEEKDAY) == "Fri 5 Mar 2027"
    assert fmt.day_label(moment, fmt.DAY_TIME) == "5 Mar 2027, 09:07"
    assert fmt.day_label(moment, fmt.WEEKDAY_TIME) == "Fri 5 Mar 2027, 09:07"
    assert fmt.day_label(moment, fmt.WEEKDAY_TIME_SHORT) == "Fri 5 Mar, 09:07"
    assert fmt.day_label(day, fmt.LONG_DAY) == "Friday 5 March 2027"


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=12), "12 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=23, minutes=59), "23 hours ago"),
        (timedelta(days=1), "yesterday"),
        (timedelta(days=1, hours=23), "yesterday"),
        (timedelta(days=2), "2 days ago"),
        (timedelta(days=30), "30 days ago"),
        (timedelta(days=31), "1 month ago"),
        (timedelta(days=65), "2 months ago"),
        (timedelta(days=359), "11 months ago"),
        (timedelta(days=364), "1 year ago"),
        (timedelta(days=365), "1 year ago"),
        (timedelta(days=800), "2 years ago"),
    ],
)
def test_relative_time(ago: timedelta, text: str) -> None:
    assert fmt.relative_time(NOW - ago, NOW) == text


def test_relative_time_reads_naive_moments_as_utc_and_none_as_never() -> None:
    naive = (NOW - timedelta(hours=3)).replace(tzinfo=None)
    assert fmt.relative_time(naive, NOW) == "3 hours ago"
    assert fmt.relative_time(None, NOW) == "Never"


@pytest.mark.parametrize(
    ("days", "tone"), [(-1, "red"), (0, "amber"), (30, "amber"), (31, "gray"), (400, "gray")]
)
def test_cue_tone(days: int, tone: str) -> None:
    assert fmt.cue_tone(days) == tone
