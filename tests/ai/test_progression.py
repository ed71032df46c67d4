"""Four weeks from one: reps, then load (and a set on compounds where time allows), then a deload."""

from __future__ import annotations

from tests.ai.conftest import pool_for, request
from thrust.ai.checker import check_draft
from thrust.ai.draft import Draft
from thrust.ai.offline import offline_draft
from thrust.ai.progression import FOCUS, four_weeks
from thrust.planner.document import parse_plan

REQ = request(currentFitnessLevel="intermediate", goals=["muscle_gain"], daysPerWeek=4, minutesPerSession=90)
POOL = pool_for(REQ)


def _exercises(plan: dict, week: int) -> list[dict]:
    return [e for day in plan["weeks"][week - 1]["days"] for e in day["exercises"]]


def _draft() -> Draft:
    return offline_draft(REQ, POOL, seed=7)


def test_four_weeks_pass_the_documents_rules_with_their_focus() -> None:
    plan = four_weeks(_draft(), REQ, pool=POOL)
    document = parse_plan(plan)
    assert [w.week_number for w in document.weeks] == [1, 2, 3, 4]
    assert [w.focus for w in document.weeks] == [FOCUS[n] for n in (1, 2, 3, 4)]
    assert plan["progressionNotes"].startswith("Weeks 2 and 3 progress")
    assert plan["nutritionTips"]


def test_week_two_works_towards_the_top_of_each_range() -> None:
    plan = four_weeks(_draft(), REQ, pool=POOL)
    for one, two in zip(_exercises(plan, 1), _exercises(plan, 2), strict=True):
        if one["reps"] == "8-12":
            assert two["reps"] == "10-12"
            assert "top of the rep range" in two["notes"]
        assert two["sets"] == one["sets"]


def test_week_three_adds_load_and_a_set_to_compounds_only_where_the_session_still_fits() -> None:
    draft = _draft()
    plan = four_weeks(draft, REQ, pool=POOL)
    one, three = _exercises(plan, 1), _exercises(plan, 3)
    assert any(b["sets"] == a["sets"] + 1 for a, b in zip(one, three, strict=True))
    assert all(b["sets"] in (a["sets"], a["sets"] + 1) for a, b in zip(one, three, strict=True))
    assert any("add about 5% load" in e["notes"] for e in three)
    # week 3 as a draft still passes the checker (time and consecutive days)
    week3 = Draft(
        plan_summary="",
        days=tuple(
            type(day)(
                day.day_number,
                day.title,
                tuple(
                    type(e)(e.exercise_id, e.name, x["sets"], e.reps, e.rest)
                    for e, x in zip(day.exercises, plan["weeks"][2]["days"][i]["exercises"], strict=True)
                ),
            )
            for i, day in enumerate(sorted(draft.days, key=lambda d: d.day_number))
        ),
    )
    assert check_draft(week3, REQ, POOL).ok


def test_without_the_pool_week_three_changes_no_sets() -> None:
    plan = four_weeks(_draft(), REQ)
    assert [e["sets"] for e in _exercises(plan, 3)] == [e["sets"] for e in _exercises(plan, 1)]


def test_week_four_is_a_deload_with_fewer_sets() -> None:
    plan = four_weeks(_draft(), REQ, pool=POOL)
    for one, four in zip(_exercises(plan, 1), _exercises(plan, 4), strict=True):
        assert four["sets"] == max(1, (one["sets"] + 1) // 2)
        assert "deload" in four["notes"]
    assert sum(e["sets"] for e in _exercises(plan, 4)) < sum(e["sets"] for e in _exercises(plan, 1))
