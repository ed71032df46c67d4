"""SQL pieces the two engines spell differently: a timestamp as seconds since the epoch, the seconds
between two, the quarter hour a timestamp falls in, and a list of time spans handed to the database as
one JSON parameter (hundreds of buckets, one bind)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from thrust.core.types import UTCDateTime


class epoch_seconds(FunctionElement[float]):  # lower case: it reads as the SQL function it is
    """A stored UTC timestamp as float seconds since 1970 (SQLite keeps text, PostgreSQL a timestamp)."""

    type = sa.Float()
    inherit_cache = True


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # julianday counts days from noon, 24 November 4714 BC; 2440587.5 is 1970-01-01T00:00Z.
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


class seconds_between(FunctionElement[float]):  # lower case: it reads as the SQL function it is
    """The seconds from one stored UTC timestamp to another, as a float (a visit's length)."""

    type = sa.Float()
    inherit_cache = True


@compiles(seconds_between, "postgresql")
def _between_postgresql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    # date_part gives a double; EXTRACT gives a numeric, four times slower over a month of visits.
    return f"date_part('epoch', {end} - {start})"


@compiles(seconds_between, "sqlite")
def _between_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


QUARTER_MINUTES = 15  # the roll-up's slot (thrust/analytics/slots.py)


class quarter_start(FunctionElement[datetime]):  # lower case: it reads as the SQL function it is
    """The start of the quarter hour a stored UTC timestamp falls in, stored as that column stores it."""

    type = UTCDateTime()
    inherit_cache = True


@compiles(quarter_start, "postgresql")
def _quarter_postgresql(element: quarter_start, compiler: Any, **kw: Any) -> str:
    seconds = QUARTER_MINUTES * 60
    moment = compiler.process(element.clauses, **kw)
    return f"to_timestamp(floor(EXTRACT(EPOCH FROM {moment}) / {seconds}) * {seconds})"


@compiles(quarter_start, "sqlite")
def _quarter_sqlite(element: quarter_start, compiler: Any, **kw: Any) -> str:
    # The stored text is 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC): keep the hour, floor the minutes.
    moment = compiler.process(element.clauses, **kw)
    minutes = f"CAST(substr({moment}, 15, 2) AS INTEGER) / {QUARTER_MINUTES} * {QUARTER_MINUTES}"
    return f"(substr({moment}, 1, 14) || printf('%02d', {minutes}) || ':00.000000')"


def _stamp(moment: datetime, dialect: str) -> str:
    utc = moment.astimezone(UTC)
    # SQLite compares the stored text: the same shape UTCDateTime writes there (naive UTC, microseconds).
    return utc.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else utc.isoformat()


_ROWS = {
    "postgresql": (
        "SELECT (x->>0)::int AS i, (x->>1)::timestamptz AS s, (x->>2)::timestamptz AS e "
        "FROM jsonb_array_elements(CAST(:spans AS jsonb)) AS x"
    ),
    "sqlite": (
        "SELECT json_extract(value, '$[0]') AS i, json_extract(value, '$[1]') AS s, "
        "json_extract(value, '$[2]') AS e FROM json_each(:spans)"
    ),
}


def bucket_table(
    dialect: str, spans: Sequence[tuple[int, datetime, datetime]], name: str = "marks"
) -> sa.CTE:
    """A CTE `name(i, s, e)`, one row per (id, start, end) span, sent as a single JSON parameter."""
    document = json.dumps([[i, _stamp(s, dialect), _stamp(e, dialect)] for i, s, e in spans])
    stamp = UTCDateTime()
    text = sa.text(_ROWS[dialect]).bindparams(spans=document)
    return text.columns(sa.column("i", sa.Integer), sa.column("s", stamp), sa.column("e", stamp)).cte(name)
