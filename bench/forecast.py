"""Backtest the occupancy forecast on the demo data: for each of the last 7 full days (held out), stand at
08:00, 11:00, 14:00, 17:00 and 20:00 (gym time), forecast the rest of the day from what was known then,
and compare with what really happened, hour by hour. Reports the mean absolute error in people, by how
far ahead, next to two naive forecasts (the same hour a week before; the plain weekday profile).

    PYTHONPATH=. .venv/bin/python bench/forecast.py [--members 10000] [--seed 42]

Runs on a throwaway SQLite database (the embedded default); the demo data covers 30 days.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import migrate  # noqa: E402
from thrust.analytics import rollup  # noqa: E402
from thrust.analytics.buckets import BucketSize, spans  # noqa: E402
from thrust.analytics.forecast import forecast  # noqa: E402
from thrust.analytics.occupancy import series  # noqa: E402
from thrust.core.db import build_engine  # noqa: E402
from thrust.core.types import utcnow  # noqa: E402
from thrust.demo_data import seed_demo_data  # noqa: E402
from thrust.gym.clock import gym_clock  # noqa: E402

HELD_OUT_DAYS = 7
CUT_HOURS = (8, 11, 14, 17, 20)


def _horizon(hours_ahead: int) -> str:
    return "1 h" if hours_ahead <= 1 else "2-3 h" if hours_ahead <= 3 else "4 h +"


def backtest(session: Session) -> None:
    clock = gym_clock(session)
    now = utcnow()
    today = clock.local(now).date()
    errors: dict[str, dict[str, list[float]]] = {
        "forecast": {},
        "same hour last week": {},
        "profile only": {},
    }
    started = time.perf_counter()
    calls = 0
    for back in range(HELD_OUT_DAYS, 0, -1):
        day = today - timedelta(days=back)
        hours = spans(clock.zone, day, day, BucketSize.HOUR)
        actual = {p.span.start: p.average or 0.0 for p in series(session, hours, now, rolled=False)}
        week_before = spans(clock.zone, day - timedelta(days=7), day - timedelta(days=7), BucketSize.HOUR)
        last_week = {
            p.span.local.hour: p.average or 0.0 for p in series(session, week_before, now, rolled=False)
        }
        for cut_hour in CUT_HOURS:
            cut = datetime.combine(day, datetime.min.time(), clock.zone).replace(hour=cut_hour)
            result = forecast(session, now=cut.astimezone(now.tzinfo))
            calls += 1
            for ahead, expected in enumerate(result.hours, start=1):
                truth = actual[expected.span.start]
                bucket = _horizon(ahead)
                errors["forecast"].setdefault(bucket, []).append(abs(expected.people - truth))
                naive = last_week.get(expected.span.local.hour, 0.0)
                errors["same hour last week"].setdefault(bucket, []).append(abs(naive - truth))
                profile = expected.people / result.trend if result.trend else expected.people
                errors["profile only"].setdefault(bucket, []).append(abs(profile - truth))
    seconds = time.perf_counter() - started
    peak = max(
        (p.peak or 0)
        for p in series(session, spans(clock.zone, today - timedelta(days=7), today, BucketSize.DAY), now)
    )
    print(
        f"held-out days {HELD_OUT_DAYS}, forecasts {calls} (cut at {', '.join(f'{h}:00' for h in CUT_HOURS)})"
    )
    print(f"busiest moment of the last week: {peak} people inside")
    print(f"{'mean absolute error (people)':<30}{'1 h':>8}{'2-3 h':>8}{'4 h +':>8}{'all':>8}")
    for name, by_horizon in errors.items():
        cells = [statistics.fmean(by_horizon.get(h, [0.0])) for h in ("1 h", "2-3 h", "4 h +")]
        everything = [e for values in by_horizon.values() for e in values]
        print(f"{name:<30}" + "".join(f"{c:8.2f}" for c in cells) + f"{statistics.fmean(everything):8.2f}")
    print(f"forecast time: {1000 * seconds / calls:.1f} ms per forecast (with the actuals)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database", help="a SQLite file to keep the seeded data in (reused when it exists)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="thrust_bench_") as folder:
        path = Path(args.database) if args.database else Path(folder) / "forecast.db"
        url = f"sqlite:///{path}"
        fresh = not path.exists()
        if fresh:
            migrate(url)
        engine = build_engine(url)
        with Session(engine) as session:
            if fresh:
                seed_demo_data(session, members=args.members, progress=False, rng_seed=args.seed)
                # As the running app does (its job, every quarter hour): the settled past summed up.
                rollup.advance(session)
                session.commit()
            backtest(session)
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
