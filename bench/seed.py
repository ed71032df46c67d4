"""Benchmark `seed_demo_data` on a throwaway, migrated database (PostgreSQL by default, or SQLite).

    PYTHONPATH=. .venv/bin/python bench/seed.py [--members 10000] [--sqlite] [--keep]

Target: 10,000 members and their check-ins (~160,000) in at most 15 s on PostgreSQL, all included
(Python generation, bcrypt, COPY, commit).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import migrate, throwaway_postgres  # noqa: E402
from thrust.core.db import build_engine  # noqa: E402
from thrust.demo_data import seed_demo_data  # noqa: E402

TARGET_SECONDS = 15.0


def _run(url: str, members: int, progress: bool) -> None:
    migrate(url)
    engine = build_engine(url)
    try:
        started = time.perf_counter()
        with Session(engine) as session:
            report = seed_demo_data(session, members=members, progress=progress, rng_seed=42)
            committed = time.perf_counter()
            session.commit()
        total = time.perf_counter() - started
        commit = time.perf_counter() - committed
    finally:
        engine.dispose()

    rows = report.members * 2 + report.trainers + 1 + report.check_ins  # users + members + visits
    print(f"database      {make_url(url).get_backend_name()}")
    print(f"members       {report.members:,}")
    print(f"check-ins     {report.check_ins:,} ({report.open_visits} open now)")
    for stage, seconds in report.stage_seconds.items():
        print(f"  {stage:<20}{seconds:6.2f} s")
    print(f"  {'commit':<20}{commit:6.2f} s")
    print(f"elapsed       {total:.2f} s  ({rows / total:,.0f} rows/s)")
    verdict = "met" if total <= TARGET_SECONDS else "MISSED"
    print(f"target        {TARGET_SECONDS:.0f} s for 10,000 members: {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--sqlite", action="store_true", help="bench SQLite instead of PostgreSQL")
    parser.add_argument("--progress", action="store_true", help="show the progress bars")
    args = parser.parse_args()

    if args.sqlite:
        with tempfile.TemporaryDirectory(prefix="thrust_bench_") as folder:
            _run(f"sqlite:///{folder}/bench.db", args.members, args.progress)
        return 0

    with throwaway_postgres("thrust_bench") as url:
        _run(url, args.members, args.progress)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
