"""Benchmark the owner dashboard's queries: each one's p50/p95 server-side (the service call the API route
and the page make), and the whole admin dashboard's data.

    PYTHONPATH=. .venv/bin/python bench/dashboard.py            # PostgreSQL: 10,000 members, 1,000,000 visits
    PYTHONPATH=. .venv/bin/python bench/dashboard.py --sqlite   # SQLite: the demo data
    PYTHONPATH=. .venv/bin/python bench/dashboard.py --keep     # ... and keep the database, then
    PYTHONPATH=. .venv/bin/python bench/dashboard.py --url postgresql+psycopg://...  # time it again

PostgreSQL: the demo seed (10,000 members, its last 30 days), then COPY of a year of earlier visits up
to the total, laid out as the seed lays out a day (morning, lunch and evening peaks), then the roll-up
as the quarter-hour job leaves it (from the first visit) and the members' visit rhythms as the nightly
job leaves them at worst (a day old). `--url` migrates an existing database first. Targets: every
query p95 <= 100 ms, the whole dashboard <= 300 ms; SQLite with the demo data: <= 150 ms per query.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import migrate, throwaway_postgres  # noqa: E402
from thrust.analytics import rhythm, rollup, service  # noqa: E402
from thrust.analytics.buckets import BucketSize  # noqa: E402
from thrust.auth.rbac import Actor  # noqa: E402
from thrust.core.db import build_engine  # noqa: E402
from thrust.demo_data import WEEKDAY_ARRIVALS, WEEKEND_ARRIVALS, seed_demo_data  # noqa: E402
from thrust.models import Role  # noqa: E402

RUNS = 30


def _arrival(rng: random.Random, weekend: bool) -> float:
    """An hour of the day, from the seed's mixture of arrival peaks."""
    weight = rng.random()
    peaks = WEEKEND_ARRIVALS if weekend else WEEKDAY_ARRIVALS
    share, mean, spread = peaks[-1]
    for share, mean, spread in peaks:  # noqa: B007 (the peak the weight falls in is used after the loop)
        weight -= share
        if weight <= 0:
            break
    if mean is None or spread is None:
        return rng.uniform(6, 22)
    return min(22.5, max(5.5, rng.gauss(mean, spread)))


def _load_year(url: str, total: int) -> float:
    """COPY visits of the 335 days before the seed's window until the table holds `total`; seconds."""
    engine = build_engine(url)
    started = time.perf_counter()
    with engine.begin() as connection:
        members = [row[0] for row in connection.execute(text("SELECT id FROM members"))]
        have = int(connection.execute(text("SELECT count(*) FROM check_ins")).scalar_one())
        rng = random.Random(11)
        window_start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
            days=31
        )
        driver = connection.connection.driver_connection
        columns = "id, member_id, check_in_time, check_out_time, auto_checked_out"
        per_day = Counter(rng.randrange(1, 336) for _ in range(max(0, total - have)))
        with driver.cursor() as cursor, cursor.copy(f"COPY check_ins ({columns}) FROM STDIN") as copy:
            # Day after day, each in the order of arrival: the table lies in time order as the desk
            # writes it (a day's visits on a few pages, not scattered over the whole table).
            for days_before in range(335, 0, -1):
                day = window_start - timedelta(days=days_before)
                weekend = day.weekday() >= 5
                starts = sorted(
                    day + timedelta(hours=_arrival(rng, weekend)) for _ in range(per_day[days_before])
                )
                for start in starts:
                    end = start + timedelta(minutes=rng.randint(25, 120))
                    copy.write_row((uuid.uuid4(), rng.choice(members), start, end, False))
    with Session(engine) as session:
        # The seed rolled up its own month; the year was written behind the roll-up's back, so it
        # starts again from the first visit (as after the demo's removal) and `run` catches it up.
        rollup.reset(session)
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE check_ins"))
    engine.dispose()
    return time.perf_counter() - started


def _actors(session: Session) -> tuple[Actor, Actor]:
    admin = session.execute(text("SELECT id, email FROM users WHERE role = 'ADMIN' LIMIT 1")).one()
    trainer = session.execute(
        text(
            "SELECT u.id, u.email FROM users u JOIN members m ON m.assigned_trainer_id = u.id "
            "GROUP BY u.id, u.email ORDER BY count(*) DESC LIMIT 1"
        )
    ).one()
    return (
        Actor(admin.id, admin.email, Role.ADMIN, uuid.uuid4()),
        Actor(trainer.id, trainer.email, Role.TRAINER, uuid.uuid4()),
    )


def _time(session: Session, call: Callable[[], Any]) -> list[float]:
    for _ in range(3):
        call()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def run(url: str, per_query_target: float, whole_target: float | None) -> None:
    engine = build_engine(url)
    with Session(engine) as session:
        visits = session.execute(text("SELECT count(*) FROM check_ins")).scalar_one()
        started = time.perf_counter()
        slots = rollup.advance(session)
        session.commit()
        seconds = time.perf_counter() - started
        print(f"visits {visits:,}; roll-up caught up {slots:,} quarter hours in {seconds:.1f} s")
        # The nightly count as the dashboard finds it at worst: a day old, corrected by a day of visits.
        started = time.perf_counter()
        counted = rhythm.count(session, now=datetime.now(UTC) - timedelta(days=1))
        session.commit()
        seconds = time.perf_counter() - started
        print(f"visit rhythms of {counted:,} members counted (as of a day ago) in {seconds:.1f} s")
        admin, trainer = _actors(session)
        queries: dict[str, Callable[[], Any]] = {
            "summary (admin)": lambda: service.summary(session, admin),
            "summary (trainer)": lambda: service.summary(session, trainer),
            "today over typical": lambda: service.today(session, admin),
            "visits per day, 30 d": lambda: service.history(session, admin, bucket=BucketSize.DAY),
            "visits per day, 365 d": lambda: service.history(
                session, admin, first=datetime.now(UTC).date() - timedelta(days=364), bucket=BucketSize.DAY
            ),
            "heatmap, 8 weeks": lambda: service.heatmap(session, admin),
            "lengths and tiers, 30 d": lambda: service.visit_mix(session, admin),
            "forecast": lambda: service.forecast(session, admin),
            "at risk (admin)": lambda: service.members_at_risk(session, admin),
            "at risk (trainer)": lambda: service.members_at_risk(session, trainer),
        }
        # The machine may be shared: its load says how far the figures are from an idle server's.
        print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        print(f"{'query':<26}{'p50 ms':>9}{'p95 ms':>9}   target {per_query_target:.0f} ms")
        worst = 0.0
        for name, call in queries.items():
            times = _time(session, call)
            worst = max(worst, _p95(times))
            print(f"{name:<26}{statistics.median(times):9.1f}{_p95(times):9.1f}")
        # What the admin's dashboard loads: cards, today, 30 days, heatmap, visit mix, forecast, at risk.
        page = ["summary (admin)", "today over typical", "visits per day, 30 d", "heatmap, 8 weeks"]
        page += ["lengths and tiers, 30 d", "forecast", "at risk (admin)"]
        whole = _time(session, lambda: [queries[name]() for name in page])
        print(f"{'whole admin dashboard':<26}{statistics.median(whole):9.1f}{_p95(whole):9.1f}")
        print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        verdict = "met" if worst <= per_query_target else "MISSED"
        print(f"slowest query p95 {worst:.1f} ms: {verdict}")
        if whole_target is not None:
            print(
                f"whole dashboard p95 {_p95(whole):.1f} ms (target {whole_target:.0f}): "
                + ("met" if _p95(whole) <= whole_target else "MISSED")
            )
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--url", help="an already seeded database (skips seeding)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.url:
        migrate(args.url)
        run(
            args.url,
            150 if args.url.startswith("sqlite") else 100,
            None if args.url.startswith("sqlite") else 300,
        )
        return 0
    if args.sqlite:
        with tempfile.TemporaryDirectory(prefix="thrust_bench_") as folder:
            url = f"sqlite:///{folder}/dashboard.db"
            migrate(url)
            engine = build_engine(url)
            with Session(engine) as session:
                seed_demo_data(session, members=args.members, progress=False, rng_seed=42)
                session.commit()
            engine.dispose()
            run(url, 150, None)
        return 0
    with throwaway_postgres("thrust_bench_dashboard", keep=args.keep) as url:
        migrate(url)
        engine = build_engine(url)
        started = time.perf_counter()
        with Session(engine) as session:
            seed_demo_data(session, members=args.members, progress=False, rng_seed=42)
            session.commit()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))  # fresh statistics, as autovacuum leaves them
        engine.dispose()
        print(f"seeded {args.members:,} members in {time.perf_counter() - started:.1f} s")
        print(f"COPY of a year of visits: {_load_year(url, args.visits):.1f} s")
        run(url, 100, 300)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
