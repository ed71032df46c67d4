"""Benchmark the exercise catalog server-side: the picker's searches and filters, swaps and look-ups by id.

    PYTHONPATH=. .venv/bin/python bench/catalog.py                # PostgreSQL and SQLite, 3 rounds each
    PYTHONPATH=. .venv/bin/python bench/catalog.py --rounds 5 --custom 500 --skip-sqlite

Target (issue 12): catalog search p95 <= 10 ms on PostgreSQL. Each database is migrated (which loads the
873 shipped exercises) and given `--custom` exercises of the gym's own, added through the service. A
call is timed as the API makes it: a reading unit of work, the query string read (`parse_query`), the
search, the rows shaped as the API's JSON. Each round times the whole mix once, after one untimed pass
(a running server has built its statements by then); the figures are each round's and their median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import Session, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import migrate, throwaway_postgres  # noqa: E402
from thrust.auth.rbac import Actor  # noqa: E402
from thrust.core.db import READ, UNIT_OPTION, build_engine  # noqa: E402
from thrust.models import Exercise, Role, User  # noqa: E402
from thrust.planner import catalog  # noqa: E402
from thrust.planner.catalog_schemas import ExerciseOut  # noqa: E402
from thrust.planner.vocabulary import Category, Equipment, Level, Muscle  # noqa: E402

SEARCH_P95_MS = 10.0

# What the picker sends: a name typed a letter at a time, common words (with accents and capitals, as
# people type them), each filter alone and together, later pages and a long page.
TYPED = [prefix for word in ("bench press", "squat", "curl") for prefix in (word[:1], word[:3], word)]
WORDS = ("row", "Press", "pullup", "lunge", "STRETCH", "dumbbell fly", "développé", "kettlebell swing", "xqz")
SEARCHES: list[dict[str, object]] = [{"q": q} for q in (*TYPED, *WORDS)]
SEARCHES += [{"equipment": [e.value]} for e in Equipment]
SEARCHES += [{"muscle": [m.value]} for m in Muscle]
SEARCHES += [{"muscle": ["glutes"], "includeSecondary": "true"}, {"muscle": ["chest", "triceps"]}]
SEARCHES += [{"level": [level.value]} for level in Level] + [{"category": [c.value]} for c in Category]
SEARCHES += [
    {"q": "press", "equipment": ["dumbbell", "barbell"], "muscle": ["chest"]},
    {"equipment": ["cable"], "muscle": ["lats"], "level": ["beginner"]},
    {"q": "curl", "muscle": ["biceps"], "includeSecondary": "true", "level": ["intermediate", "expert"]},
    {"page": "2"},
    {"page": "30"},
    {"limit": "100"},
    {"q": "s", "page": "4", "limit": "50"},
    {"equipment": ["body only"], "page": "3"},
]


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="thrust_bench_catalog_") as folder:
        yield f"sqlite:///{folder}/bench.db"


def prepare(url: str, custom: int) -> tuple[Engine, Actor]:
    """Migrate (the catalog arrives with 0011), add a trainer and `custom` exercises of the gym's own."""
    migrate(url)
    engine = build_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        trainer = User(email="coach@example.com", password_hash="!", role=Role.TRAINER, full_name="Coach")
        session.add(trainer)
        session.flush()
        actor = Actor(trainer.id, trainer.email, Role.TRAINER)
        muscles, equipment = list(Muscle), list(Equipment)
        for n in range(custom):
            catalog.create_custom(
                session,
                actor,
                {
                    "name": f"House Drill {n:04d}",
                    "level": "beginner",
                    "category": "strength",
                    "equipment": equipment[n % len(equipment)].value,
                    "primaryMuscles": [muscles[n % len(muscles)].value],
                    "instructions": "Step one.\nStep two.",
                },
            )
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE exercises"))
            connection.execute(text("VACUUM ANALYZE exercise_muscles"))
    return engine, actor


def _timed(engine: Engine, call: Callable[[Session], object]) -> float:
    reading = engine.execution_options(**{UNIT_OPTION: READ})  # as a GET's unit of work
    started = time.perf_counter()
    with Session(reading, expire_on_commit=False) as session:
        call(session)
        session.commit()
    return (time.perf_counter() - started) * 1000


def _shaped(views: list[catalog.ExerciseView]) -> list[dict[str, object]]:
    return [
        ExerciseOut.model_validate(view, from_attributes=True).model_dump(by_alias=True) for view in views
    ]


def one_round(engine: Engine, actor: Actor, ids: list[uuid.UUID]) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"search": [], "similar": [], "get": []}
    for raw in SEARCHES:
        for _ in range(3):
            timings["search"].append(
                _timed(
                    engine,
                    lambda s, raw=raw: _shaped(catalog.search(s, actor, catalog.parse_query(raw)).items),
                )
            )
    for exercise_id in ids:
        timings["similar"].append(
            _timed(engine, lambda s, i=exercise_id: _shaped(catalog.similar(s, actor, i)))
        )
        timings["get"].append(
            _timed(engine, lambda s, i=exercise_id: _shaped([catalog.get_exercise(s, actor, i)]))
        )
    return timings


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(engine: Engine, actor: Actor, rounds: int, target: float | None) -> bool:
    with Session(engine) as session:
        every = list(session.exec(select(Exercise.id).order_by(Exercise.name)).all())
    ids = every[:: max(1, len(every) // 60)]  # about 60 exercises across the alphabet
    one_round(engine, actor, ids)  # untimed: statements built, plans and caches warm
    results = [one_round(engine, actor, ids) for _ in range(rounds)]
    for kind in ("search", "similar", "get"):
        p95s = [p95(result[kind]) for result in results]
        p50s = [statistics.median(result[kind]) for result in results]
        line = (
            f"  {kind:<8} p95 per round {', '.join(f'{v:5.2f}' for v in p95s)} ms;"
            f" median p95 {statistics.median(p95s):5.2f} ms, p50 {statistics.median(p50s):5.2f} ms,"
            f" max {max(max(result[kind]) for result in results):5.2f} ms"
            f" ({len(results[0][kind])} calls a round)"
        )
        if kind == "search" and target is not None:
            met = statistics.median(p95s) <= target
            line += f"  target p95 <= {target:.0f} ms: {'met' if met else 'MISSED'}"
        print(line)
    slowest = sorted(
        ((statistics.median(_search_samples(engine, actor, raw)), raw) for raw in SEARCHES),
        key=lambda x: -x[0],
    )[:3]
    print("  slowest searches (median of 5): " + "; ".join(f"{ms:.2f} ms {raw}" for ms, raw in slowest))
    return target is None or statistics.median(p95(r["search"]) for r in results) <= target


def _search_samples(engine: Engine, actor: Actor, raw: dict[str, object]) -> list[float]:
    return [
        _timed(engine, lambda s: _shaped(catalog.search(s, actor, catalog.parse_query(raw)).items))
        for _ in range(5)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--custom", type=int, default=200, help="the gym's own exercises added")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    ok = True
    load = os.getloadavg()
    print(f"machine load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {len(SEARCHES)} searches x 3 a round")
    if not args.skip_pg:
        with throwaway_postgres("thrust_bench_catalog", keep=args.keep) as url:
            engine, actor = prepare(url, args.custom)
            print(f"PostgreSQL: 873 catalog + {args.custom} custom exercises")
            ok &= report(engine, actor, args.rounds, SEARCH_P95_MS)
            engine.dispose()
    if not args.skip_sqlite:
        with sqlite_database() as url:
            engine, actor = prepare(url, args.custom)
            print(f"SQLite: 873 catalog + {args.custom} custom exercises (no target; for comparison)")
            report(engine, actor, args.rounds, None)
            engine.dispose()
    load = os.getloadavg()
    print(f"machine load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
