"""A small gym with rows in every table, written with plain SQL so it fits any schema revision, and a
reader that returns every row of every table, for comparing two databases."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, insert, inspect, select

from thrust.core.text import exercise_search_text
from thrust.models import (
    AIUsageLog,
    AuthSession,
    CheckIn,
    Exercise,
    ExerciseMuscle,
    JobRun,
    Member,
    MembershipReminder,
    ReminderOptOut,
    User,
    WorkoutPlan,
    WorkoutPlanTemplate,
    WorkoutProgress,
)
from thrust.system.copying import typed_tables

T0 = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


def add_gym(engine: Engine, *, members: int = 3, tag: str = "") -> None:
    """Staff, `members` members with visits (one still inside), a session, a plan with progress, an AI
    log, and (when the schema has them) a job run, a reminder, an opt-out, a custom exercise and a plan
    template."""
    with engine.begin() as connection:
        add_gym_rows(connection, members=members, tag=tag)


def add_gym_rows(connection: Connection, *, members: int = 3, tag: str = "") -> None:
    tables = set(inspect(connection).get_table_names())
    trainer = _user(connection, f"coach{tag}@example.com", "TRAINER", "Cara Coach")
    member_ids = []
    for n in range(members):
        user = _user(connection, f"m{n}{tag}@example.com", "MEMBER", f"Member Nº{n} Zoë")
        member_ids.append(member := uuid.uuid4())
        connection.execute(
            insert(Member.__table__).values(
                id=member,
                user_id=user,
                full_name=f"Member Nº{n} Zoë",
                phone="+49 30 1234567",
                date_of_birth=date(1990, 1, 1 + n % 28),
                gender="female",
                membership_tier=("BASIC", "PREMIUM", "VIP")[n % 3],
                membership_start=date(2026, 1, 1),
                membership_end=date(2026, 12, 31),
                status=("ACTIVE", "INACTIVE", "FROZEN")[n % 3],
                assigned_trainer_id=trainer,
                search_text=f"member nº{n} zoe m{n}{tag}@example.com",
            )
        )
        for day in range(2):
            start = T0 - timedelta(days=day + 1)
            _visit(connection, member, start, start + timedelta(hours=1, microseconds=7), trainer)
    _visit(connection, member_ids[0], T0, None, trainer)  # inside now
    connection.execute(
        insert(AuthSession.__table__).values(
            id=uuid.uuid4(),
            user_id=trainer,
            current_token_id=uuid.uuid4(),
            user_agent="pytest",
            ip_address="10.0.0.1",
            expires_at=T0 + timedelta(days=7),
            last_used_at=T0,
            created_at=T0,
        )
    )
    plan = uuid.uuid4()
    connection.execute(
        insert(WorkoutPlan.__table__).values(
            id=plan,
            member_id=member_ids[0],
            created_by=trainer,
            title="Strength, 4 weeks",
            is_ai_generated=True,
            plan_data={"weeks": [{"days": [{"name": "Squat", "sets": 5, "reps": 5, "kg": 62.5}]}]},
            input_params={"goal": "strength", "notes": "knee 🦵 ok"},
            created_at=T0,
            updated_at=T0,
        )
    )
    connection.execute(
        insert(WorkoutProgress.__table__).values(
            id=uuid.uuid4(),
            plan_id=plan,
            week_number=1,
            day_number=2,
            completed=True,
            completed_at=T0,
            exercise_data=[{"name": "Squat", "done": [5, 5, 5]}],
            created_at=T0,
        )
    )
    connection.execute(
        insert(AIUsageLog.__table__).values(
            id=uuid.uuid4(), user_id=trainer, endpoint="plans", model="gpt", tokens_used=1234, cost=0.0123
        )
    )
    if "job_runs" in tables:
        connection.execute(
            insert(JobRun.__table__).values(
                id=uuid.uuid4(),
                job="cleanup",
                slot=2_937_000_123,
                trigger="schedule",
                status="ok",
                started_at=T0,
                finished_at=T0,
                result="removed 3",
            )
        )
        connection.execute(
            insert(MembershipReminder.__table__).values(
                id=uuid.uuid4(),
                member_id=member_ids[0],
                membership_end=date(2026, 12, 31),
                stage=30,
                status="sent",
                days_left=30,
                claimed_at=T0,
                sent_at=T0,
            )
        )
        connection.execute(insert(ReminderOptOut.__table__).values(member_id=member_ids[-1], created_at=T0))
    if "exercises" in tables:  # a staff member's own exercise beside the migration's catalog
        exercise, name = uuid.uuid4(), f"Sled Push Nº{tag or 1}"
        connection.execute(
            insert(Exercise.__table__).values(
                id=exercise,
                name=name,
                search_name=exercise_search_text(name),
                level="intermediate",
                category="strongman",
                equipment="other",
                mechanic="compound",
                force="push",
                primary_muscles=["quadriceps"],
                secondary_muscles=["glutes", "calves"],
                instructions="Drive with short steps; keep the hips low. ✓",
                is_custom=True,
                created_by=trainer,
                created_at=T0,
            )
        )
        connection.execute(
            insert(ExerciseMuscle.__table__),
            [
                {"exercise_id": exercise, "muscle": "quadriceps", "is_primary": True},
                {"exercise_id": exercise, "muscle": "glutes", "is_primary": False},
                {"exercise_id": exercise, "muscle": "calves", "is_primary": False},
            ],
        )
    if "workout_plan_templates" in tables:
        connection.execute(
            insert(WorkoutPlanTemplate.__table__).values(
                id=uuid.uuid4(),
                created_by=trainer,
                title=f"Full body, 3 days{tag}",
                plan_data={"weeks": [{"weekNumber": 1, "days": []}], "planSummary": "Grundübungen ✓"},
                version=3,
                created_at=T0,
                updated_at=T0,
            )
        )


def _user(connection: Connection, email: str, role: str, name: str) -> uuid.UUID:
    user = uuid.uuid4()
    connection.execute(
        insert(User.__table__).values(
            id=user,
            email=email,
            password_hash="$2b$04$" + "x" * 53,
            role=role,
            full_name=name,
            is_active=True,
            last_login_at=T0,
            created_at=T0,
            updated_at=T0,
        )
    )
    return user


def _visit(
    connection: Connection, member: uuid.UUID, start: datetime, end: datetime | None, by: uuid.UUID
) -> None:
    connection.execute(
        insert(CheckIn.__table__).values(
            id=uuid.uuid4(),
            member_id=member,
            check_in_time=start,
            check_out_time=end,
            checked_in_by=by,
            created_at=start,
        )
    )


def every_row(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every THRUST table, as Python values, in primary key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                row._asdict()
                for row in connection.execute(select(*table.columns).order_by(*table.primary_key.columns))
            ]
            for table in typed_tables(connection)
        }
