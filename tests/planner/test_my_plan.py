"""The member's "My plan" page on both engines: what the reader gives each caller (only their own plans),
the rows' words, and the page's state handlers (marking a day done with what was done, messages next to
the inputs, undo, earlier plans read-only, nothing for staff)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, func, select

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.planner.conftest import Gym
from tests.planner.plans import exercise
from tests.support.states import call, run, said, scope_in, sessions
from tests.support.states import client as new_client
from tests.support.states import signed_in as harness_signed_in
from thrust.auth.rbac import Actor
from thrust.core.errors import NotFound
from thrust.gym import clock
from thrust.models import WorkoutProgress
from thrust.planner import my_plan, progress, service
from thrust.planner.catalog_file import catalog_id
from thrust.planner.my_plan_rows import logged_words, rest_label
from thrust.planner.my_plan_state import MyPlanState, logged_number
from thrust.ui import feedback

SQUAT = catalog_id("Barbell_Full_Squat")


def catalog_plan(weeks: int = 4) -> dict[str, Any]:
    """Days 1, 3 and 5 of each week; the first exercise a catalog one, the second written by hand."""
    return {
        "planSummary": "Strength three times a week",
        "weeks": [
            {
                "weekNumber": w,
                "focus": f"Focus {w}",
                "days": [
                    {
                        "dayNumber": d,
                        "title": f"Session {d}",
                        "exercises": [
                            exercise(
                                "Barbell Full Squat", exerciseId=str(SQUAT), rest=120, notes="Knees out"
                            ),
                            exercise("Band pull-apart"),
                        ],
                    }
                    for d in (1, 3, 5)
                ],
            }
            for w in range(1, weeks + 1)
        ],
        "nutritionTips": ["Protein with every meal"],
        "progressionNotes": "Add 2.5 kg when every set reaches 12",
    }


def started(gym: Gym, days_ago: int) -> date:
    return clock.today(gym.db) - timedelta(days=days_ago)


# -- the reader -------------------------------------------------------------------------------------------


def test_a_member_reads_their_active_plan_with_the_catalogs_details_and_earlier_plans(gym: Gym) -> None:
    earlier = gym.plan(gym.ana, "Foundations", planData=catalog_plan(), startsOn=started(gym, 40).isoformat())
    ana = gym.login_of(gym.ana)
    progress.record_progress(gym.db, ana, earlier.id, {"weekNumber": 1, "dayNumber": 1})
    active = gym.plan(gym.ana, "Strength", planData=catalog_plan(), startsOn=started(gym, 9).isoformat())
    gym.plan(gym.bo, "Bo's own")

    view = my_plan.read_my_plan(gym.db, ana)
    assert view.detail is not None and view.detail.summary.id == active.id and view.current
    assert view.exercises[SQUAT].name == "Barbell Full Squat"
    assert [
        (e.summary.title, e.completion.completed_days, e.completion.planned_days) for e in view.earlier
    ] == [("Foundations", 1, 12)]
    # An earlier plan opens read-only (not current); someone else's is not there at all.
    old = my_plan.read_my_plan(gym.db, ana, earlier.id)
    assert old.detail is not None and old.detail.summary.title == "Foundations" and not old.current
    bos = service.list_plans(gym.db, gym.admin, member_id=gym.bo.id).rows[0]
    with pytest.raises(NotFound):
        my_plan.read_my_plan(gym.db, ana, bos.id)


def test_staff_have_no_plan_of_their_own_here_even_for_plans_they_may_see(gym: Gym) -> None:
    plan = gym.plan(gym.ana)
    view = my_plan.read_my_plan(gym.db, gym.coach)
    assert view.detail is None and view.earlier == []
    with pytest.raises(NotFound):
        my_plan.read_my_plan(gym.db, gym.coach, plan.id)


def test_plan_days_are_dated_from_the_start_and_the_page_opens_on_the_week_holding_today() -> None:
    assert my_plan.week_of(None, date(2026, 11, 25), 4) == 1
    assert my_plan.week_of(date(2026, 11, 16), date(2026, 11, 25), 4) == 2
    assert my_plan.week_of(date(2026, 11, 26), date(2026, 11, 25), 4) == 1  # not started yet
    assert my_plan.week_of(date(2026, 9, 1), date(2026, 11, 25), 4) == 4  # over
    assert my_plan.day_date(date(2026, 11, 16), 2, 3) == date(2026, 11, 25)


def test_the_rows_words() -> None:
    assert [rest_label(s) for s in (0, 45, 90, 120, 150)] == [
        "No rest",
        "Rest 45 s",
        "Rest 90 s",
        "Rest 2 min",
        "Rest 2 min 30 s",
    ]
    assert logged_words("3", "10", "22.5") == "Did 3 sets × 10 reps at 22.5 kg"
    assert logged_words("1", "", "") == "Did 1 set"
    assert logged_words("", "", "") == ""
    assert [logged_number(t) for t in ("", " 12 ", "22,5", "22.5", "ten", "-1")] == [
        None,
        12,
        22.5,
        22.5,
        "ten",
        "-1",
    ]


# -- the page's state -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def wiring(db: Session, gym: Gym, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Actor]]:
    """Cookies name Ana (a member), Bo (a member without a plan) and Ana's trainer; units of work run
    in the test's transaction."""
    live = sessions(
        monkeypatch,
        {
            "thrust_access=ana": gym.login_of(gym.ana),
            "thrust_access=bo": gym.login_of(gym.bo),
            "thrust_access=coach": gym.coach,
        },
    )
    monkeypatch.setattr(feedback, "session_scope", scope_in(db))
    yield live


async def opened(cookie: str = "thrust_access=ana") -> MyPlanState:
    root = new_client(cookie, "/my-plan")
    await harness_signed_in(root)
    state = await root.get_state(MyPlanState)
    await call(MyPlanState.load_my_plan, state)
    return state


def form(week: int, day: int, **typed: str) -> dict[str, str]:
    """The day's form as the browser sends it: every input, empty unless typed ("sets_0"="3")."""
    values = {"week": str(week), "day": str(day)}
    for index in range(2):
        for field in ("sets", "reps", "load"):
            values[f"{field}-{index}"] = typed.get(f"{field}_{index}", "")
    return values


def test_the_member_sees_the_week_holding_today_with_todays_day_marked(gym: Gym) -> None:
    gym.plan(gym.ana, "Strength", planData=catalog_plan(), startsOn=started(gym, 9).isoformat())

    async def scenario() -> None:
        state = await opened()
        assert state.loaded and state.has_plan and state.current and state.can_log
        assert state.title == "Strength" and state.week == 2 and state.week_focus == "Focus 2"
        assert [(c.day, c.is_today) for c in state.days] == [(1, False), (3, True), (5, False)]
        today = state.days[1]
        assert today.title == "Session 3" and not today.done
        squat, by_hand = today.exercises
        assert (squat.prescription, squat.rest, squat.notes) == ("3 × 8-12", "Rest 2 min", "Knees out")
        assert squat.has_details and squat.level == "Intermediate" and squat.equipment == "Barbell"
        assert "Quadriceps" in squat.muscles
        assert not by_hand.has_details
        assert state.today_line == "Today is day 3 of week 2: Session 3."
        assert [t.holds_today for t in state.weeks] == [False, True, False, False]
        assert state.nutrition_tips == ["Protein with every meal"]
        await call(MyPlanState.show_week, state, 4)
        assert state.week == 4 and not any(c.is_today for c in state.days)
        # What reaches the browser: the page's rows, never the other weeks' cache.
        delta = await state._get_root_state()._get_resolved_delta()
        assert "_cards" not in str(delta)

    run(scenario())


def test_marking_a_day_done_with_what_was_done_updates_the_figures_and_survives_a_reload(gym: Gym) -> None:
    gym.plan(gym.ana, "Strength", planData=catalog_plan(), startsOn=started(gym, 9).isoformat())

    async def scenario() -> None:
        state = await opened()
        assert (state.percent, state.overall) == (0, "0 of 12 days done")
        out = await call(MyPlanState.save_day, state, form(2, 3, sets_0="3", reps_0="10", load_0="22,5"))
        assert "Session 3 marked done" in said(out)
        card = state.days[1]
        assert card.done and card.done_note.startswith("Done on") and card.saved_note
        assert (card.exercises[0].sets_value, card.exercises[0].load_value) == ("3", "22.5")
        assert card.exercises[0].logged == "Did 3 sets × 10 reps at 22.5 kg"
        assert (state.percent, state.overall) == (8, "1 of 12 days done")
        assert state.weeks[1].progress == "1 of 3 days"
        assert state.adherence_words == "1 of 5 days due so far done (20%)" and state.adherence == 20

        again = await opened()  # a reload
        card = again.days[1]
        assert card.done and card.exercises[0].reps_value == "10" and card.exercises[1].sets_value == ""
        assert again.overall == "1 of 12 days done"

        out = await call(MyPlanState.undo_day, again, 2, 3)
        assert "marked not done" in said(out)
        assert not again.days[1].done and again.days[1].exercises[0].sets_value == "3"  # the log stays
        assert again.overall == "0 of 12 days done"

    run(scenario())


def test_the_services_messages_stand_next_to_the_inputs_they_name(gym: Gym, db: Session) -> None:
    gym.plan(gym.ana, "Strength", planData=catalog_plan(), startsOn=started(gym, 9).isoformat())

    async def scenario() -> None:
        state = await opened()
        out = await call(MyPlanState.save_day, state, form(2, 3, reps_0="10", sets_1="99", load_1="heavy"))
        assert "check the highlighted fields" in said(out)
        first, second = state.days[1].exercises
        assert first.sets_error == first.reps_error == ""
        assert second.sets_error == "Sets done must be a whole number from 0 to 20"
        assert second.load_error == "Load must be 0 to 1000 kg"
        assert not state.days[1].done and state.overall == "0 of 12 days done"
        # Fixed: saved, the messages gone.
        await call(MyPlanState.save_day, state, form(2, 3, reps_0="10", sets_1="3"))
        assert state.days[1].done and state.days[1].exercises[1].sets_error == ""

    run(scenario())
    assert db.exec(select(func.count()).select_from(WorkoutProgress)).one() == 1


def test_an_earlier_plan_opens_read_only_and_the_current_one_comes_back(gym: Gym, db: Session) -> None:
    earlier = gym.plan(gym.ana, "Foundations", planData=catalog_plan(), startsOn=started(gym, 40).isoformat())
    gym.plan(gym.ana, "Strength", planData=catalog_plan(), startsOn=started(gym, 9).isoformat())

    async def scenario() -> None:
        state = await opened()
        assert [(r.title, r.completion) for r in state.earlier] == [("Foundations", "0 of 12 days done (0%)")]
        await call(MyPlanState.open_plan, state, str(earlier.id))
        assert state.title == "Foundations" and not state.current and not state.can_log
        assert state.week == 4  # it ended: its last week
        out = await call(MyPlanState.save_day, state, form(4, 1))
        assert "can no longer be changed" in said(out)
        out = await call(MyPlanState.open_plan, state, str(uuid.uuid4()))  # no plan of hers
        assert "Plan not found" in said(out) and state.title == "Foundations"
        await call(MyPlanState.open_plan, state, "")
        assert state.title == "Strength" and state.current and state.can_log

    run(scenario())
    assert db.exec(select(func.count()).select_from(WorkoutProgress)).one() == 0


def test_no_plan_yet_and_staff_get_nothing_loaded(gym: Gym) -> None:
    gym.plan(gym.ana)

    async def scenario() -> None:
        bo = await opened("thrust_access=bo")
        assert bo.loaded and not bo.has_plan and bo.days == []
        coach = await opened("thrust_access=coach")
        assert not coach.loaded and not coach.has_plan
        out = await call(MyPlanState.save_day, coach, form(1, 1))
        assert "Open your plan first" in said(out)
        out = await call(MyPlanState.show_week, coach, "2")
        assert "not understood" in said(out)

    run(scenario())
