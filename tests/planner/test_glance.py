"""A member's plans at a glance on both engines: today's plan day for the front desk and the profile's
overview, each within the planner's scope (a trainer their assigned members', a member their own)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.planner.conftest import Gym
from tests.planner.plans import plan_document
from thrust.core.errors import NotFound
from thrust.gym import clock
from thrust.planner import progress, service
from thrust.planner.overview import plan_overview
from thrust.planner.today import day_date, plan_day_on, todays_day


def starting(gym: Gym, days_ago: int) -> str:
    return (clock.today(gym.db) - timedelta(days=days_ago)).isoformat()


def test_a_plan_day_falls_on_its_start_plus_whole_weeks_and_days() -> None:
    start = date(2027, 3, 1)
    assert day_date(start, 1, 1) == start
    assert day_date(start, 2, 3) == date(2027, 3, 10)
    assert plan_day_on(start, date(2027, 3, 10)) == (2, 3)
    assert plan_day_on(start, date(2027, 2, 28)) is None
    for week in (1, 4):
        for day in (1, 7):
            assert plan_day_on(start, day_date(start, week, day)) == (week, day)


def test_todays_day_of_the_active_plan_names_its_first_exercises(gym: Gym) -> None:
    # Days 1, 3 and 5 of each week, four exercises a day; started two days ago: today is week 1, day 3.
    gym.plan(gym.ana, "Strength", planData=plan_document(exercises=4), startsOn=starting(gym, 2))
    today = todays_day(gym.db, gym.coach, gym.ana.id)
    assert today is not None
    assert (today.plan_title, today.week_number, today.day_number, today.title) == ("Strength", 1, 3, "Day 2")
    assert today.exercise_count == 4
    assert today.first_exercises == ["Exercise 1.2.1", "Exercise 1.2.2", "Exercise 1.2.3"]
    later = todays_day(gym.db, gym.admin, gym.ana.id)
    assert later == today


@pytest.mark.parametrize(
    "days_ago",
    [
        1,  # a rest day (day 2)
        -3,  # the plan starts in three days
        28,  # past the plan's four weeks
    ],
)
def test_no_day_today_is_none(gym: Gym, days_ago: int) -> None:
    gym.plan(gym.ana, startsOn=starting(gym, days_ago))
    assert todays_day(gym.db, gym.coach, gym.ana.id) is None


def test_only_the_active_plan_and_only_within_the_planners_scope(gym: Gym) -> None:
    plan = gym.plan(gym.bo, startsOn=starting(gym, 0))
    assert todays_day(gym.db, gym.other_coach, gym.bo.id) is not None
    # At the desk a trainer checks in anyone, but sees the plans of their assigned members only.
    assert todays_day(gym.db, gym.coach, gym.bo.id) is None
    service.update_plan(gym.db, gym.admin, plan.id, {"isActive": False})
    assert todays_day(gym.db, gym.admin, gym.bo.id) is None
    assert todays_day(gym.db, gym.admin, gym.cy.id) is None  # no plan at all


def test_the_overview_counts_done_and_due_days_of_the_active_plan(gym: Gym) -> None:
    gym.plan(gym.ana, "Old plan", startsOn=starting(gym, 60))
    plan = gym.plan(gym.ana, "Strength", startsOn=starting(gym, 9))  # replaces the old one as active
    ana = gym.login_of(gym.ana)
    for week, day in ((1, 1), (1, 3), (2, 5)):
        progress.record_progress(gym.db, ana, plan.id, {"weekNumber": week, "dayNumber": day})

    overview = plan_overview(gym.db, gym.coach, gym.ana.id)
    assert overview.active is not None and overview.completion is not None
    assert overview.active.title == "Strength" and overview.other_plans == 1 and overview.may_edit
    figures = overview.completion
    assert (figures.completed_days, figures.planned_days) == (3, 12)
    # Day 10 of the plan: week 1's days 1, 3, 5 and week 2's day 1 and 3 were due; two of them done.
    assert (figures.completed_due_days, figures.due_days, figures.adherence_percent) == (2, 5, 40)
    assert [(w.week_number, w.completed_days, w.planned_days) for w in figures.weeks] == [
        (1, 2, 3),
        (2, 1, 3),
        (3, 0, 3),
        (4, 0, 3),
    ]
    own = plan_overview(gym.db, ana, gym.ana.id)
    assert own.active is not None and own.active.id == plan.id and not own.may_edit


def test_before_the_start_nothing_is_due(gym: Gym) -> None:
    gym.plan(gym.ana, startsOn=starting(gym, -5))
    overview = plan_overview(gym.db, gym.admin, gym.ana.id)
    assert overview.completion is not None
    assert overview.completion.due_days == 0 and overview.completion.adherence_percent is None


def test_without_an_active_plan_the_overview_says_so_and_counts_the_others(gym: Gym) -> None:
    plan = gym.plan(gym.cy)
    service.update_plan(gym.db, gym.admin, plan.id, {"isActive": False})
    overview = plan_overview(gym.db, gym.admin, gym.cy.id)
    assert (overview.active, overview.completion, overview.other_plans) == (None, None, 1)
    empty = plan_overview(gym.db, gym.admin, gym.bo.id)
    assert (empty.active, empty.other_plans) == (None, 0)


def test_a_member_outside_the_viewers_scope_is_not_found(gym: Gym) -> None:
    gym.plan(gym.bo)
    with pytest.raises(NotFound):
        plan_overview(gym.db, gym.coach, gym.bo.id)
    with pytest.raises(NotFound):
        plan_overview(gym.db, gym.login_of(gym.ana), gym.bo.id)
