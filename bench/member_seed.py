"""Seed a migrated PostgreSQL database with N members for bench/members.py: COPY, a million in under a minute.

The rows are the demo seed's (thrust/demo_data.py): its staff, its name pools (five locales, accents),
phones, tiers, statuses, membership dates, birth dates and trainer assignments, drawn with the demo's
own helpers and shares, and the search key written by the app's own `member_search_text`. What the
directory does not read is left out: no visit rows, plans or dashboard roll-ups, only each member's
`last_visit_at` (the latest of the visits the demo would have laid out in the gym's opening hours).
The draws are not the demo's stream (each worker has its own), so a seed repeats itself, not the demo.

Speed: one worker process per core draws its slice of the members and streams them through two COPYs
at once (users and members, a connection each, so the backends parse while it draws). The members'
secondary indexes and foreign keys are dropped first and made again afterwards from the definitions the
migrations left (pg_get_indexdef / pg_get_constraintdef), two builds at a time, so the schema ends
exactly as migrated and every key is checked. Then VACUUM ANALYZE.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as clock
from functools import lru_cache
from random import Random
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session

from thrust.core.db import build_engine
from thrust.core.text import member_search_text
from thrust.core.types import utcnow
from thrust.demo_data import (  # the demo seed's own generators: the bench's members are the demo's
    FROZEN_VISIT_DAYS,
    GENDER_SHARES,
    LOCALES,
    MEMBER_COLUMNS,
    STATUS_SHARES,
    TIER_SHARES,
    TRAINER_ASSIGNED_SHARE,
    USER_COLUMNS,
    VISITS_PER_MEMBER,
    WINDOW_DAYS,
    _add_months,
    _birth_date,
    _Day,
    _email_part,
    _gym_hours,
    _name_pools,
    _phone,
    _pick,
    _staff,
    _uuid,
    _visit_on,
    _window,
    hash_demo_passwords,
)
from thrust.models import Member, MemberStatus, Role, User
from thrust.models.columns import table_of

# Sorting and GIN builds in memory: the box has the RAM, and a build that spills to disk is slower.
MAINTENANCE_WORK_MEM = "512MB"
INDEX_BUILDERS = 2  # one per core


@dataclass
class SeedTimes:
    """Seconds per stage, for the bench's report."""

    stages: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.stages.values())

    def __str__(self) -> str:
        parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.stages.items())
        return f"{self.total:.1f} s ({parts})"


@contextmanager
def _stage(times: SeedTimes, name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    times.stages[name] = time.perf_counter() - started


def _connect(url: str) -> psycopg.Connection[Any]:
    """A plain psycopg connection to the SQLAlchemy URL's database."""
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
    )


@dataclass(frozen=True)
class _Club:
    """What every member's rows are drawn from: the demo's name pools and trainers, the gym's zone and
    hours, today and the shared member password hash (picklable: it goes to each worker)."""

    pools: list[tuple[list[str], list[str], list[str]]]
    trainer_ids: list[uuid.UUID]
    zone: tzinfo
    hours: dict[str, Any]
    now: datetime
    member_hash: str


def _last_visit(eligible: list[_Day], now: datetime, rng: Random) -> datetime | None:
    """When the member last walked in, as the demo's visits would have it: the latest of 5 to 30 of the
    days they could come, at a time inside that day's opening hours (None: they could not come yet).

    The latest of `wanted` distinct days among `top` is drawn directly, not by drawing them all: it is
    day m with probability wanted/(m+1) given it is not above m. A visit still under way (today) is
    one the demo leaves out: then the latest of the others."""
    top, wanted = len(eligible), min(rng.randint(*VISITS_PER_MEMBER), len(eligible))
    while wanted:
        m = top - 1
        while rng.random() * (m + 1) >= wanted:
            m -= 1
        day = eligible[m]
        arrival, length = _visit_on(day, rng)
        if day.to_utc(arrival + length) <= now:
            return day.to_utc(arrival)
        top, wanted = m, wanted - 1
    return None


def _null(value: Any) -> str:
    return "\\N" if value is None else str(value)


def _copy_lines(club: _Club, first: int, stop: int, rng: Random) -> Iterator[tuple[str, str]]:
    """COPY text lines (users, members) of members first+1 .. stop, drawn as thrust.demo_data._members
    draws them (its helpers, in USER_COLUMNS / MEMBER_COLUMNS order), streamed rather than held: a
    million members' tuples would take gigabytes. The demo's `_membership` is inlined with its month
    arithmetic cached, and the text is formatted here: psycopg's per-value dumping took half the time.
    No value can hold a tab, newline or backslash (checked on the name pools; the rest are digits,
    dates and folded ASCII), so none is escaped."""
    locales = [locale for locale, _ in LOCALES]
    locale_shares = list(zip(range(len(LOCALES)), (share for _, share in LOCALES), strict=True))
    today = club.now.astimezone(club.zone).date()
    days = _window(club.zone, club.hours, club.now)
    dates = [day.day for day in days]
    frozen_until = today - timedelta(days=WINDOW_DAYS - FROZEN_VISIT_DAYS + 1)
    add_months = lru_cache(maxsize=None)(_add_months)
    lengths = {months: (add_months(today, months) - today).days for months in range(3, 13)}
    email_parts: dict[str, str] = {}
    pools, trainer_ids, zone, now, member_hash = (
        club.pools,
        club.trainer_ids,
        club.zone,
        club.now,
        club.member_hash,
    )
    random, randint, choice = rng.random, rng.randint, rng.choice
    for n in range(first, stop):
        which = _pick(locale_shares, random())
        male, female, last_names = pools[which]
        gender = _pick(GENDER_SHARES, random())
        first_pool = male if gender == "male" else female if gender == "female" else choice((male, female))
        first_name, last_name = choice(first_pool), choice(last_names)
        full_name = f"{first_name} {last_name}"
        first_part = email_parts.get(first_name) or email_parts.setdefault(
            first_name, _email_part(first_name) or "member"
        )
        last_part = email_parts.get(last_name) or email_parts.setdefault(
            last_name, _email_part(last_name) or "thrust"
        )
        email = f"{first_part}.{last_part}.{n + 1}@example.com"
        phone = _phone(locales[which], rng)
        status = _pick(STATUS_SHARES, random())
        # thrust.demo_data._membership: a 3 to 12 month membership whose dates agree with the status.
        months = randint(3, 12)
        if status == MemberStatus.INACTIVE:
            end = today - timedelta(days=randint(1, 25))
            last = end
        elif status == MemberStatus.FROZEN:
            end = today + timedelta(days=randint(7, max(8, lengths[months] - WINDOW_DAYS - 1)))
            last = frozen_until
        else:
            end = today + timedelta(days=randint(1, lengths[months] - 1))
            last = today
        start = min(add_months(end, -months), today)
        joined = min(
            datetime.combine(start, clock(randint(7, 20), rng.randrange(60)), zone).astimezone(UTC), now
        )
        user_id, member_id = _uuid(rng), _uuid(rng)
        trainer = choice(trainer_ids) if random() < TRAINER_ASSIGNED_SHARE else None
        birth = _birth_date(today, rng)
        tier = _pick(TIER_SHARES, random()).value
        # Nobody visits before joining; lapsed members stopped at their end, frozen ones after two weeks.
        visited = _last_visit(days[bisect_left(dates, start) : bisect_right(dates, last)], now, rng)
        yield (
            f"{user_id}\t{email}\t{member_hash}\tMEMBER\t{full_name}\t\\N\t{joined}\tt\n",
            f"{member_id}\t{user_id}\t{full_name}\t{phone}\t{birth}\t{gender}\t{tier}\t{start}\t{end}"
            f"\t{status.value}\t{_null(trainer)}\t{member_search_text(full_name, email, phone)}\t{joined}"
            f"\t{_null(visited)}\n",
        )


BATCH = 2_000  # lines per write: fewer, larger COPY messages


def _copy_part(url: str, club: _Club, first: int, stop: int, rng_seed: int) -> None:
    """One worker: members first+1 .. stop into users and members, through two COPYs at once (one
    connection each, so both backends parse while this process draws)."""
    rng = Random(rng_seed)
    with _connect(url) as users_db, _connect(url) as members_db:
        for connection in (users_db, members_db):
            connection.execute("SET synchronous_commit = off")
        users_copy = users_db.cursor().copy(f"COPY users ({', '.join(USER_COLUMNS)}) FROM STDIN")
        members_copy = members_db.cursor().copy(f"COPY members ({', '.join(MEMBER_COLUMNS)}) FROM STDIN")
        with users_copy as to_users, members_copy as to_members:
            users: list[str] = []
            members: list[str] = []
            for user_line, member_line in _copy_lines(club, first, stop, rng):
                users.append(user_line)
                members.append(member_line)
                if len(members) >= BATCH:
                    to_users.write("".join(users))
                    to_members.write("".join(members))
                    users.clear()
                    members.clear()
            to_users.write("".join(users))
            to_members.write("".join(members))


def _secondary(
    connection: psycopg.Connection[Any], table: str = "members", kinds: str = "f"
) -> tuple[list[str], list[tuple[str, str]]]:
    """A table's indexes that back no constraint (their CREATE statements), and its constraints of the
    kinds given (pg_constraint.contype: "f" foreign keys, "p" the primary key) as (name, definition), as
    the migrations made them."""
    indexes = [
        row[0]
        for row in connection.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid = %s::regclass"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
            " ORDER BY i.indexrelid",
            (table,),
        )
    ]
    keys = [
        (row[0], row[1])
        for row in connection.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = ANY(%s) ORDER BY contype DESC, conname",
            (table, list(kinds)),
        )
    ]
    return indexes, keys


# The members' search words (migration 0014) for the members whose id starts with one of `digits`: what
# its statement-level trigger would write for each COPY, in slices that run side by side.
WORDS_OF_SLICE = (
    "INSERT INTO member_search_words (word, member_id, full_name, assigned_trainer_id)"
    " SELECT word, members.id, members.full_name, members.assigned_trainer_id FROM members,"
    " LATERAL (SELECT DISTINCT unnest(string_to_array(members.search_text, ' ')) AS word) AS words"
    " WHERE word <> '' AND left(members.id::text, 1) = ANY('{{{digits}}}')"
)
WORD_SLICES = ("0,1,2,3", "4,5,6,7", "8,9,a,b", "c,d,e,f")


def _check_pools(pools: list[tuple[list[str], list[str], list[str]]]) -> None:
    """The COPY text is not escaped: no name may hold what COPY would read as a separator or escape."""
    for pool in pools:
        for names in pool:
            for name in names:
                if any(special in name for special in "\t\n\r\\"):
                    raise ValueError(f"a demo name needs escaping for COPY: {name!r}")


def _run_all(url: str, statements: list[str], builders: int) -> None:
    """Run the statements on `builders` connections at once, each taking the next one left."""
    queue = list(statements)

    def builder() -> None:
        with _connect(url) as connection:
            connection.autocommit = True
            connection.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
            while queue:
                connection.execute(queue.pop(0))  # list.pop is atomic: no statement runs twice

    with ThreadPoolExecutor(max_workers=builders) as pool:
        for done in [pool.submit(builder) for _ in range(builders)]:
            done.result()


def seed_members(url: str, members: int, *, rng_seed: int = 42) -> SeedTimes:
    """Write the demo's admin, trainers and `members` members into the migrated, empty database at `url`."""
    times = SeedTimes()
    rng = Random(rng_seed)
    now = utcnow()
    workers = max(1, min(os.cpu_count() or 1, 4))
    with _stage(times, "prepare"):
        hashes = hash_demo_passwords()
        engine = build_engine(url)
        try:
            with Session(engine) as session:
                zone, hours = _gym_hours(session)
        finally:
            engine.dispose()
        staff_rows, trainer_ids, _ = _staff(now, rng)
        pools = _name_pools(rng)
        _check_pools(pools)
        club = _Club(pools, trainer_ids, zone, hours, now, hashes.member)

    with _connect(url) as connection, _stage(times, "drop indexes, staff"):
        indexes, keys = _secondary(connection)
        # The search words are written after the COPY, in slices, into a table without its keys.
        word_indexes, word_keys = _secondary(connection, "member_search_words", "fp")
        connection.execute("ALTER TABLE members DISABLE TRIGGER member_search_words_added")
        for table, dropped in (("members", keys), ("member_search_words", word_keys)):
            for name, _ in dropped:
                connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for statement in indexes + word_indexes:
            name = statement.split(" ON ", 1)[0].rsplit(" ", 1)[-1]
            connection.execute(f'DROP INDEX "{name}"')
        with connection.cursor().copy(f"COPY users ({', '.join(USER_COLUMNS)}) FROM STDIN") as copy:
            for row in staff_rows:
                copy.write_row(
                    (*row[:2], hashes.admin if row[3] == Role.ADMIN.value else hashes.trainer, *row[3:])
                )
        connection.commit()

    with _stage(times, "generate + COPY"):
        # One slice of the members per core, each from its own random stream (so a seed still makes the
        # same members); with the foreign keys dropped, members need not wait for their users.
        bounds = [members * part // workers for part in range(workers + 1)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = [
                pool.submit(_copy_part, url, club, bounds[part], bounds[part + 1], rng_seed * 1000 + part)
                for part in range(workers)
            ]
            for done in parts:
                done.result()

    with _stage(times, "search words"):
        _run_all(url, [WORDS_OF_SLICE.format(digits=digits) for digits in WORD_SLICES], INDEX_BUILDERS)
    with _stage(times, "indexes + keys"):
        # The two GIN builds (trigram, full text) first, on different connections; then the B-trees.
        _run_all(
            url,
            sorted(indexes + word_indexes, key=lambda statement: "USING gin" not in statement),
            INDEX_BUILDERS,
        )
        # Each key is checked as one join, not a lookup per row (one at a time: they lock the tables);
        # the words' primary key before their foreign key.
        added = [("members", key) for key in keys] + [("member_search_words", key) for key in word_keys]
        _run_all(
            url,
            [f'ALTER TABLE {t} ADD CONSTRAINT "{name}" {definition}' for t, (name, definition) in added],
            1,
        )
        _run_all(url, ["ALTER TABLE members ENABLE TRIGGER member_search_words_added"], 1)
    with _stage(times, "vacuum analyze"):
        _run_all(url, ["VACUUM ANALYZE"], 1)
    return times


def _typed(table: Any, columns: tuple[str, ...], line: str) -> dict[str, Any]:
    """A COPY text line as the values SQLAlchemy binds for `table`'s columns (SQLite has no COPY)."""
    values: dict[str, Any] = {}
    for name, text in zip(columns, line.rstrip("\n").split("\t"), strict=True):
        kind = table.c[name].type
        if text == "\\N":
            values[name] = None
        elif isinstance(kind, sa.Uuid):
            values[name] = uuid.UUID(text)
        elif isinstance(kind, sa.Boolean):
            values[name] = text == "t"
        elif isinstance(kind, sa.Date):
            values[name] = date.fromisoformat(text)
        elif name.endswith("_at"):
            values[name] = datetime.fromisoformat(text)
        else:
            values[name] = text
    return values


def seed_members_sqlite(url: str, members: int, *, rng_seed: int = 42) -> SeedTimes:
    """The same members into a migrated, empty SQLite database, by batched inserts (the database's
    triggers write the search words as they go)."""
    times = SeedTimes()
    rng = Random(rng_seed)
    now = utcnow()
    engine = build_engine(url)
    users, people = table_of(User), table_of(Member)
    try:
        with _stage(times, "prepare"):
            hashes = hash_demo_passwords()
            with Session(engine) as session:
                zone, hours = _gym_hours(session)
            staff_rows, trainer_ids, _ = _staff(now, rng)
            club = _Club(_name_pools(rng), trainer_ids, zone, hours, now, hashes.member)
        with _stage(times, "generate + insert"), engine.begin() as connection:
            connection.execute(
                users.insert(),
                [
                    dict(zip(USER_COLUMNS, (*row[:2], _staff_hash(hashes, row[3]), *row[3:]), strict=True))
                    for row in staff_rows
                ],
            )
            batch: list[tuple[str, str]] = []
            for lines in _copy_lines(club, 0, members, Random(rng_seed * 1000)):
                batch.append(lines)
                if len(batch) >= BATCH:
                    _insert_batch(connection, users, people, batch)
            _insert_batch(connection, users, people, batch)
        with _stage(times, "analyze"), engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    return times


def _staff_hash(hashes: Any, role: str) -> str:
    return str(hashes.admin if role == Role.ADMIN.value else hashes.trainer)


def _insert_batch(connection: Any, users: Any, people: Any, batch: list[tuple[str, str]]) -> None:
    if batch:
        connection.execute(users.insert(), [_typed(users, USER_COLUMNS, line) for line, _ in batch])
        connection.execute(people.insert(), [_typed(people, MEMBER_COLUMNS, line) for _, line in batch])
        batch.clear()
