"""A member's progress on both engines: one record per plan day however often it is sent, who may send
it, and the completion figures counted in SQL against the plan's own days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from tests.planner.conftest import Gym
from tests.planner.plans import plan_document
from thrust.core.errors import NotFound, ValidationFailed
from thrust.gym import clock
from thrust.models import WorkoutProgress
from thrust.planner import progress, service


def test_recording_a_day_twice_leaves_one_record_done_since_the_first_time(gym: Gym) -> None:
    plan = gym.plan(gym.ana)
    ana = gym.login_of(gym.ana)
    day = {"weekNumber": 1, "dayNumber": 3}
    first = progress.record_progress(gym.db, ana, plan.id, day).day
    again = progress.record_progress(gym.db, ana, plan.id, {**day, "completed": True}).day
    assert first.completed and again.completed and again.completed_at == first.completed_at
    assert gym.db.exec(select(func.count()).select_from(WorkoutProgress)).one() == 1
    undone = progress.record_progress(gym.db, ana, plan.id, {**day, "completed": False}).day
    assert (undone.completed, undone.completed_at) == (False, None)
    assert gym.db.exec(select(func.count()).select_from(WorkoutProgress)).one() == 1


def test_what_was_done_of_each_exercise_is_kept_until_it_is_sent_again(gym: Gym) -> None:
    plan = gym.plan(gym.ana)
    ana = gym.login_of(gym.ana)
    day = {"weekNumber": 2, "dayNumber": 1}
    logged = [{"exerciseIndex": 1, "actualSets": 3, "actualReps": 10, "loadKg": 22.5, "notes": "Felt easy"}]
    record = progress.record_progress(gym.db, ana, plan.id, {**day, "exercises": logged}).day
    assert record.exercises == [
        {
            "exerciseIndex": 1,
            "exerciseName": "Exercise 2.1.2",
            "actualSets": 3,
            "actualReps": 10,
            "loadKg": 22.5,
            "notes": "Felt easy",
        }
    ]
    assert (
        progress.record_progress(gym.db, ana, plan.id, day).day.exercises == record.exercises
    )  # a plain "done"
    assert progress.record_progress(gym.db, ana, plan.id, {**day, "exercises": []}).day.exercises == []
    detail = service.get_plan(gym.db, gym.coach, plan.id)
    assert [(d.week_number, d.day_number, d.completed) for d in detail.progress] == [(2, 1, True)]


def test_a_day_or_exercise_the_plan_does_not_have_is_refused_by_name(gym: Gym) -> None:
    plan = gym.plan(gym.ana)  # days 1, 3 and 5; two exercises a day
    ana = gym.login_of(gym.ana)
    with pytest.raises(ValidationFailed) as refused:
        progress.record_progress(gym.db, ana, plan.id, {"weekNumber": 1, "dayNumber": 2})
    assert refused.value.details[0].message == "This plan has no day 2 in week 1"
    with pytest.raises(ValidationFailed) as refused:
        progress.record_progress(
            gym.db,
            ana,
            plan.id,
            {
                "weekNumber": 1,
                "dayNumber": 1,
                "exercises": [{"exerciseIndex": 2}, {"exerciseIndex": 0}, {"exerciseIndex": 0}],
            },
        )
    assert {p.field: p.message for p in refused.value.details} == {
        "exercises[0].exerciseIndex": "Day 1 of week 1 has no exercise 3",
        "exercises[2].exerciseIndex": "Exercise 1 is logged twice",
    }
    with pytest.raises(ValidationFailed) as refused:
        progress.record_progress(gym.db, ana, plan.id, {"weekNumber": 5, "completed": "maybe"})
    assert {p.field for p in refused.value.details} == {"weekNumber", "dayNumber", "completed"}
    assert gym.db.exec(select(func.count()).select_from(WorkoutProgress)).one() == 0


def test_the_member_and_the_staff_who_see_them_record_progress_no_one_else(gym: Gym) -> None:
    plan = gym.plan(gym.ana)
    for who, day in ((gym.login_of(gym.ana), 1), (gym.coach, 3), (gym.admin, 5)):
        assert progress.record_progress(
            gym.db, who, plan.id, {"weekNumber": 1, "dayNumber": day}
        ).day.completed
    for stranger in (gym.other_coach, gym.login_of(gym.bo)):
        with pytest.raises(NotFound):
            progress.record_progress(gym.db, stranger, plan.id, {"weekNumber": 2, "dayNumber": 1})
    assert gym.db.exec(select(func.count()).select_from(WorkoutProgress)).one() == 3


def test_completion_per_week_overall_and_of_what_was_due_so_far(gym: Gym) -> None:
    plan = gym.plan(gym.ana)  # 4 weeks of days 1, 3 and 5
    nine_days_ago = clock.today(gym.db) - timedelta(days=9)
    service.update_plan(gym.db, gym.coach, plan.id, {"version": 1, "startsOn": nine_days_ago.isoformat()})
    ana = gym.login_of(gym.ana)
    for week, day, done in ((1, 1, True), (1, 3, True), (1, 5, False), (2, 1, True), (2, 5, True)):
        progress.record_progress(
            gym.db, ana, plan.id, {"weekNumber": week, "dayNumber": day, "completed": done}
        )
    figures = service.get_plan(gym.db, ana, plan.id).completion
    assert [(w.week_number, w.planned_days, w.completed_days) for w in figures.weeks] == [
        (1, 3, 2),
        (2, 3, 2),
        (3, 3, 0),
        (4, 3, 0),
    ]
    assert (figures.planned_days, figures.completed_days, figures.percent) == (12, 4, 33)
    # Due by today (day 10 of the plan): week 1's three days and week 2's days 1 and 3; week 2's day 5
    # was done ahead of time and does not count toward what was due.
    assert (figures.due_days, figures.completed_due_days, figures.adherence_percent) == (5, 3, 60)
    # The trainer drops weeks 2-4: progress on days the plan no longer has counts for nothing.
    service.update_plan(gym.db, gym.coach, plan.id, {"version": 2, "planData": plan_document(weeks=1)})
    shorter = service.get_plan(gym.db, gym.coach, plan.id).completion
    assert (shorter.planned_days, shorter.completed_days, shorter.due_days, shorter.completed_due_days) == (
        3,
        2,
        3,
        2,
    )


def test_a_plan_without_a_start_has_no_due_days_and_nothing_done_is_zero_percent(gym: Gym) -> None:
    plan = gym.plan(gym.ana, isActive=False)
    figures = service.get_plan(gym.db, gym.admin, plan.id).completion
    assert (figures.planned_days, figures.completed_days, figures.percent) == (12, 0, 0)
    assert (figures.due_days, figures.adherence_percent) == (None, None)
