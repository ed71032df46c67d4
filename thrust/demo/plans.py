"""Demo workout plans: a four-week plan from the shipped catalog for the first active demo members (the
one the start banner names among them), started nine days ago with most past days done, and for a few
an earlier plan they finished, so "My plan" and the planner have something real to show.

Called by `demo_data.seed_demo_data` with the rows it generated; removing the demo data deletes these
plans with their members.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from random import Random
from typing import Any

from sqlmodel import Session

from thrust.models import MemberStatus, WorkoutPlan, WorkoutProgress
from thrust.planner.catalog_file import catalog_id, read_catalog
from thrust.planner.document import parse_plan, stored

PLANNED_MEMBERS = 25  # the first active demo members by email (the banner's example is the first)
WITH_HISTORY = 5  # of those, how many also followed an earlier plan
STARTED_DAYS_AGO = 9  # today is day 3 of week 2: a training day, with four done before it
DONE_SHARE = 0.8  # of the past training days (the banner's example missed one: week 1's last)
EARLIER_DONE_SHARE = 0.75

# (catalog id, sets by week, reps, rest in seconds, notes, a first working load in kg or None)
Slot = tuple[str, tuple[int, int, int, int], str, int, str, float | None]
LOWER: tuple[Slot, ...] = (
    ("Barbell_Full_Squat", (3, 4, 4, 3), "8-10", 120, "Sit back and down; knees follow the toes.", 40.0),
    ("Romanian_Deadlift", (3, 3, 4, 3), "10", 90, "Soft knees, flat back, bar close to the legs.", 35.0),
    ("Dumbbell_Lunges", (3, 3, 3, 3), "10", 60, "10 steps each leg.", 10.0),
    ("Standing_Calf_Raises", (3, 3, 3, 3), "12-15", 45, "", 30.0),
    ("Cable_Crunch", (3, 3, 3, 3), "12-15", 45, "", 20.0),
)
UPPER: tuple[Slot, ...] = (
    (
        "Barbell_Bench_Press_-_Medium_Grip",
        (3, 4, 4, 3),
        "6-8",
        120,
        "Feet planted, shoulder blades back.",
        35.0,
    ),
    ("Seated_Cable_Rows", (3, 3, 4, 3), "10-12", 90, "", 30.0),
    ("Dumbbell_Shoulder_Press", (3, 3, 3, 3), "8-10", 90, "", 10.0),
    ("Wide-Grip_Lat_Pulldown", (3, 3, 3, 3), "10-12", 90, "Pull to the top of the chest.", 30.0),
    ("Triceps_Pushdown", (2, 2, 3, 2), "12-15", 60, "", 15.0),
)
FULL: tuple[Slot, ...] = (
    ("Barbell_Deadlift", (3, 3, 4, 3), "5", 150, "Brace before each rep; stop when form slips.", 50.0),
    ("Dumbbell_Bench_Press", (3, 3, 3, 3), "10", 90, "", 12.5),
    ("Bent_Over_Barbell_Row", (3, 3, 4, 3), "8-10", 90, "", 30.0),
    ("Goblet_Squat", (3, 3, 3, 3), "12", 60, "", 12.0),
    ("Mountain_Climbers", (3, 3, 3, 3), "20", 45, "20 each leg, at a steady pace.", None),
)
DAYS: dict[int, tuple[str, tuple[Slot, ...]]] = {
    1: ("Lower body and core", LOWER),
    3: ("Upper body: push and pull", UPPER),
    5: ("Full body", FULL),
}
FOCUS = ("Learn the movements", "Build volume", "Add load", "Easier week: consolidate")
SUMMARY = (
    "Three sessions a week for four weeks: lower body, upper body, full body. Weights that leave two "
    "good reps in reserve; rest days in between."
)
TIPS = (
    "Protein with every meal: about 1.6 g per kg of body weight a day.",
    "Drink water through the session, not only after it.",
    "Sleep seven hours or more on training nights.",
)
PROGRESSION = (
    "When every set reaches the top of its rep range with good form, add 2.5 kg next time "
    "(1-2 kg on dumbbells). Week 4 is lighter on purpose."
)


def plan_document(names: dict[str, str]) -> dict[str, Any]:
    """The demo's four-week plan as stored (checked by the planner's own rules)."""
    weeks = []
    for week in range(1, 5):
        days = []
        for number, (title, slots) in DAYS.items():
            exercises = [
                {
                    "name": names[source],
                    "exerciseId": str(catalog_id(source)),
                    "sets": sets[week - 1],
                    "reps": reps,
                    "rest": rest,
                    "notes": notes,
                }
                for source, sets, reps, rest, notes, _load in slots
            ]
            days.append({"dayNumber": number, "title": title, "exercises": exercises})
        weeks.append({"weekNumber": week, "focus": FOCUS[week - 1], "days": days})
    document = {
        "planSummary": SUMMARY,
        "weeks": weeks,
        "nutritionTips": list(TIPS),
        "progressionNotes": PROGRESSION,
    }
    return stored(parse_plan(document))


def _logged(week: int, day: int, rng: Random, names: dict[str, str]) -> list[dict[str, Any]]:
    """What a member did of a day: the sets asked, reps near the range's top, a load that grows."""
    out = []
    for index, (source, sets, reps, _rest, _notes, load) in enumerate(DAYS[day][1]):
        top = int(reps.split("-")[-1])
        entry: dict[str, Any] = {
            "exerciseIndex": index,
            "exerciseName": names[source],
            "exerciseId": str(catalog_id(source)),
            "actualSets": sets[week - 1],
            "actualReps": max(1, top - rng.randint(0, 2)),
        }
        if load is not None:
            entry["loadKg"] = load + 2.5 * (week - 1)
        out.append(entry)
    return out


def _progress(
    plan_id: uuid.UUID,
    starts: date,
    before: date,
    share: float | None,
    zone: tzinfo,
    rng: Random,
    names: dict[str, str],
) -> list[WorkoutProgress]:
    """Records of the plan's training days before `before`: about `share` of them done (None: all but
    the first week's last)."""
    rows = []
    for week in range(1, 5):
        for day in DAYS:
            when = starts + timedelta(days=(week - 1) * 7 + day - 1)
            skipped = (week, day) == (1, max(DAYS)) if share is None else rng.random() >= share
            if when >= before or skipped:
                continue
            moment = datetime.combine(when, time(18, rng.randrange(60)), zone).astimezone(UTC)
            logged = _logged(week, day, rng, names)
            rows.append(
                WorkoutProgress(
                    plan_id=plan_id,
                    week_number=week,
                    day_number=day,
                    completed=True,
                    completed_at=moment,
                    exercise_data=logged,
                    created_at=moment,
                )
            )
    return rows


def seed_demo_plans(
    session: Session,
    member_rows: Sequence[tuple[Any, ...]],
    member_users: Sequence[tuple[Any, ...]],
    trainer_ids: Sequence[uuid.UUID],
    *,
    now: datetime,
    zone: tzinfo,
    rng: Random,
) -> int:
    """Give the first active demo members (by email) their plans; returns how many plans were written.

    `member_rows` and `member_users` are the seed's rows (member id, user id, ..., status at 9, trainer at
    10; user id, email, ...), already written; the caller commits."""
    if not trainer_ids:
        return 0
    emails = {row[0]: row[1] for row in member_users}
    active = sorted(
        (row for row in member_rows if row[9] == MemberStatus.ACTIVE.value), key=lambda row: emails[row[1]]
    )[:PLANNED_MEMBERS]
    wanted = {source for _title, slots in DAYS.values() for source, *_ in slots}
    names = {entry.source_id: entry.name for entry in read_catalog() if entry.source_id in wanted}
    document = plan_document(names)
    today = now.astimezone(zone).date()
    starts = today - timedelta(days=STARTED_DAYS_AGO)
    plans: list[WorkoutPlan] = []
    progress: list[WorkoutProgress] = []
    for n, row in enumerate(active):
        member_id, author = row[0], row[10] or trainer_ids[0]
        # (title, first day, the day its progress runs to, share of days done, made how many days ago);
        # the earlier plan ends where the current one starts
        spans = [("Strength base: 4 weeks", starts, today, DONE_SHARE if n else None, STARTED_DAYS_AGO + 1)]
        if n < WITH_HISTORY:
            earlier = starts - timedelta(days=28)
            spans.insert(0, ("Foundations", earlier, starts, EARLIER_DONE_SHARE, STARTED_DAYS_AGO + 30))
        for title, first, until, share, made_days_ago in spans:
            plan = WorkoutPlan(
                member_id=member_id,
                created_by=author,
                title=title,
                plan_data=document,
                is_active=until == today,
                starts_on=first,
                created_at=now - timedelta(days=made_days_ago),
                updated_at=now - timedelta(days=STARTED_DAYS_AGO + 1),
            )
            plans.append(plan)
            progress += _progress(plan.id, first, until, share, zone, rng, names)
    session.add_all(plans)
    session.flush()  # plans before their progress (the foreign key)
    session.add_all(progress)
    session.flush()
    return len(plans)
