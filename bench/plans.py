"""Benchmark loading and saving a workout plan of 4 weeks x 7 days x 10 exercises on PostgreSQL.

    PYTHONPATH=. .venv/bin/python bench/plans.py [--calls 15] [--keep]

Target (issue 12): a plan loads and saves in <= 50 ms server-side. Each of 3 runs times `--calls` loads
and saves after a warm-up, two ways: the service calls in a unit of work as the planner page will make
them (load: `get_plan` with its progress and completion; save: `update_plan` of the whole document with
its version, then `get_plan` for the answer, committed), and the API routes `GET` and `PATCH
/api/v1/workout-plans/{id}` through the whole /api/v1 app in this process (authentication, validation,
JSON both ways; no network). Printed per run: p50 and max; the verdict is the median of the runs' p50.
The plan has 10 days of progress, so its completion is counted over real rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("THRUST_DATA_DIR", tempfile.mkdtemp(prefix="thrust-bench-plans-"))

from fastapi.testclient import TestClient  # noqa: E402

from bench.databases import migrate, throwaway_postgres  # noqa: E402
from thrust.api import build_api  # noqa: E402
from thrust.auth import sessions  # noqa: E402
from thrust.auth.rbac import Actor  # noqa: E402
from thrust.core.db import build_engine, session_scope, set_engine  # noqa: E402
from thrust.core.text import member_search_text  # noqa: E402
from thrust.models import Member, Role, User  # noqa: E402
from thrust.planner import progress, service  # noqa: E402

TARGET_MS = 50.0
RUNS = 3
MOVES = ["Back squat", "Romanian deadlift", "Bench press", "Bent-over row", "Overhead press", "Pull-up"]


def plan_document(version_note: str = "") -> dict[str, Any]:
    """4 weeks x 7 days x 10 exercises, each with a catalog id and a line of notes."""
    return {
        "planSummary": "Four weeks of full-body strength with conditioning finishers. " + version_note,
        "weeks": [
            {
                "weekNumber": w,
                "focus": f"Week {w}: {'foundation' if w < 3 else 'intensity'}",
                "days": [
                    {
                        "dayNumber": d,
                        "title": f"Day {d} - full body",
                        "exercises": [
                            {
                                "name": f"{MOVES[(w + d + e) % len(MOVES)]} variation {e + 1}",
                                "sets": 3 + (e % 3),
                                "reps": "8-12" if e % 2 else 10,
                                "rest": "90s" if e % 2 else 60,
                                "notes": "Controlled lowering, full range of motion, stop 2 reps short.",
                                "exerciseId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"exercise/{e}")),
                            }
                            for e in range(10)
                        ],
                    }
                    for d in range(1, 8)
                ],
            }
            for w in range(1, 5)
        ],
        "nutritionTips": ["Protein with every meal", "Drink water through the session"],
        "progressionNotes": "Add a rep each week; add load when every set reaches the top of its range.",
    }


def _setup() -> tuple[Actor, User, uuid.UUID]:
    with session_scope() as session:
        admin = User(
            email="bench.admin@example.com", password_hash="!", role=Role.ADMIN, full_name="Bench Admin"
        )
        login = User(
            email="bench.member@example.com", password_hash="!", role=Role.MEMBER, full_name="Ana Ruiz"
        )
        session.add_all([admin, login])
        session.flush()
        member = Member(
            user_id=login.id,
            full_name="Ana Ruiz",
            membership_start=date.today() - timedelta(days=100),
            membership_end=date.today() + timedelta(days=265),
            search_text=member_search_text("Ana Ruiz", login.email, None),
        )
        session.add(member)
        session.flush()
        actor = Actor(user_id=admin.id, email=admin.email, role=admin.role)
        plan = service.create_plan(
            session,
            actor,
            {
                "memberId": str(member.id),
                "title": "Strength, 4 weeks",
                "planData": plan_document(),
                "startsOn": (date.today() - timedelta(days=12)).isoformat(),
            },
        )
        for n in range(10):
            day = {"weekNumber": n // 7 + 1, "dayNumber": n % 7 + 1}
            logged = [
                {"exerciseIndex": e, "actualSets": 3, "actualReps": 10, "loadKg": 40 + e} for e in range(10)
            ]
            progress.record_progress(session, actor, plan.id, {**day, "exercises": logged})
        return actor, admin, plan.id


def _timed(call: Callable[[], Any], calls: int) -> list[float]:
    for _ in range(3):  # warm: statements prepared, caches filled
        call()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _line(label: str, runs: list[list[float]]) -> float:
    medians = [statistics.median(run) for run in runs]
    verdict = statistics.median(medians)
    per_run = "  ".join(f"p50 {statistics.median(r):5.1f} max {max(r):5.1f}" for r in runs)
    mark = "ok" if verdict <= TARGET_MS else "OVER"
    print(f"  {label:<28} {per_run}   median {verdict:5.1f} ms  [{mark}, target <= {TARGET_MS:.0f}]")
    return verdict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    args = parser.parse_args()
    with throwaway_postgres("thrust_bench_plans", keep=args.keep) as url:
        migrate(url)
        engine = build_engine(url)
        set_engine(engine)
        try:
            actor, admin, plan_id = _setup()
            with session_scope() as session:
                user = session.get(User, admin.id)
                assert user is not None
                token = sessions.start_session(session, user, user_agent="bench", ip="127.0.0.1").access_token
            document = plan_document("Saved again.")
            version = {"value": 1}

            def load() -> None:
                with session_scope(read_only=True) as session:
                    service.get_plan(session, actor, plan_id)

            def save() -> None:
                with session_scope() as session:
                    body = {"version": version["value"], "planData": document}
                    service.update_plan(session, actor, plan_id, body)
                    version["value"] = service.get_plan(session, actor, plan_id).summary.version

            client = TestClient(build_api())
            headers = {"Authorization": f"Bearer {token}"}
            url_of = f"/api/v1/workout-plans/{plan_id}"

            def get() -> None:
                response = client.get(url_of, headers=headers)
                assert response.status_code == 200, response.text

            def patch() -> None:
                response = client.patch(
                    url_of, json={"version": version["value"], "planData": document}, headers=headers
                )
                assert response.status_code == 200, response.text
                version["value"] = response.json()["data"]["version"]

            body_kb = len(client.get(url_of, headers=headers).content) / 1024
            print(f"PostgreSQL, a plan of 4 weeks x 7 days x 10 exercises ({body_kb:.0f} KB as sent)")
            print(f"{RUNS} runs of {args.calls} calls each (ms):")
            verdicts = [
                _line("load (service)", [_timed(load, args.calls) for _ in range(RUNS)]),
                _line("save (service)", [_timed(save, args.calls) for _ in range(RUNS)]),
                _line("GET /workout-plans/{id}", [_timed(get, args.calls) for _ in range(RUNS)]),
                _line("PATCH /workout-plans/{id}", [_timed(patch, args.calls) for _ in range(RUNS)]),
            ]
            print(f"  machine load average: {os.getloadavg()[0]:.2f} (2 cores shared with other work)")
            return 0 if all(v <= TARGET_MS for v in verdicts) else 1
        finally:
            set_engine(None)
            engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
