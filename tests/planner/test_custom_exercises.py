"""The gym's own exercises on both engines: who may add one, what a good one needs, the messages a bad one
gets, and that it is found like the catalog's (by name, filter and as a similar exercise)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from tests.factories import actor_for, make_user
from thrust.auth.rbac import Actor
from thrust.core.errors import PermissionDenied, Unauthorized, ValidationFailed
from thrust.models import Exercise, ExerciseMuscle, Role
from thrust.planner import catalog
from thrust.planner.catalog import ExerciseQuery
from thrust.planner.vocabulary import Equipment, Muscle

VIKING: dict[str, Any] = {
    "name": "  Viking   Press ",
    "level": "Intermediate",
    "category": "strength",
    "equipment": "barbell",
    "mechanic": "compound",
    "force": "push",
    "primaryMuscles": ["shoulders"],
    "secondaryMuscles": ["triceps", "chest"],
    "instructions": "Kneel, bar at the shoulder.  \n\n Press up and forward.\n",
}


@pytest.fixture
def trainer(db: Session) -> Actor:
    return actor_for(make_user(db, role=Role.TRAINER))


def _problems(db: Session, actor: Actor, data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        catalog.create_custom(db, actor, data)
    return {problem.field: problem.message for problem in refused.value.details}


def test_a_trainer_adds_an_exercise_that_the_catalog_then_shows_to_members(
    db: Session, trainer: Actor
) -> None:
    added = catalog.create_custom(db, trainer, VIKING)
    assert added.name == "Viking Press" and added.is_custom and added.source_id is None
    assert (added.level, added.equipment, added.main_muscle) == ("intermediate", "barbell", "shoulders")
    assert added.secondary_muscles == ("triceps", "chest")
    assert added.instructions == "Kneel, bar at the shoulder.\n\nPress up and forward."
    stored = db.get(Exercise, added.id)
    assert stored is not None and stored.created_by == trainer.user_id
    muscles = db.exec(
        select(ExerciseMuscle.muscle, ExerciseMuscle.is_primary).where(ExerciseMuscle.exercise_id == added.id)
    ).all()
    assert sorted(muscles) == [("chest", False), ("shoulders", True), ("triceps", False)]

    member = actor_for(make_user(db, role=Role.MEMBER))
    found = catalog.search(db, member, ExerciseQuery(text="viking"))
    assert [item.id for item in found.items] == [added.id] and found.items[0].instructions
    by_muscle = catalog.search(
        db, member, ExerciseQuery(muscles=(Muscle.TRICEPS,), include_secondary=True, limit=100, text="press")
    )
    assert added.id in {item.id for item in by_muscle.items}
    assert added.id not in {
        item.id
        for item in catalog.search(db, member, ExerciseQuery(muscles=(Muscle.TRICEPS,), text="viking")).items
    }
    # The swap button offers it for a barbell shoulder exercise, and it has barbell shoulder swaps.
    military = catalog.search(db, member, ExerciseQuery(text="standing military press")).items[0]
    assert military.equipment == Equipment.BARBELL and military.main_muscle == Muscle.SHOULDERS
    assert added.id in {swap.id for swap in catalog.similar(db, member, military.id, limit=100)}
    assert military.id in {swap.id for swap in catalog.similar(db, member, added.id, limit=100)}


def test_an_admin_may_add_one_too_with_only_the_required_fields(db: Session) -> None:
    admin = actor_for(make_user(db, role=Role.ADMIN))
    added = catalog.create_custom(
        db,
        admin,
        {
            "name": "Tyre Drag Relay",
            "level": "beginner",
            "category": "strongman",
            "equipment": "other",
            "primaryMuscles": ["quadriceps"],
        },
    )
    assert (added.mechanic, added.force, added.instructions, added.secondary_muscles) == (
        None,
        None,
        None,
        (),
    )


def test_members_and_anonymous_callers_may_not_add_exercises(db: Session) -> None:
    member = actor_for(make_user(db, role=Role.MEMBER))
    before = db.exec(select(Exercise.id)).all()
    with pytest.raises(PermissionDenied):
        catalog.create_custom(db, member, VIKING)
    with pytest.raises(Unauthorized):
        catalog.create_custom(db, None, VIKING)
    assert db.exec(select(Exercise.id)).all() == before


def test_a_name_is_taken_whatever_its_case_accents_and_punctuation(db: Session, trainer: Actor) -> None:
    catalog.create_custom(db, trainer, VIKING)
    other = actor_for(make_user(db, role=Role.ADMIN))
    for taken in ("viking press", "VIKING-PRESS", "Víking  Press"):
        assert _problems(db, other, {**VIKING, "name": taken}) == {
            "name": 'The gym already has an exercise called "Viking Press"'
        }
    assert _problems(db, trainer, {**VIKING, "name": "barbell full squat"}) == {
        "name": '"Barbell Full Squat" is already in the catalog: pick it from there'
    }
    assert catalog.create_custom(db, trainer, {**VIKING, "name": "Viking Press, Kneeling"}).name


def test_every_bad_field_is_named_at_once(db: Session, trainer: Actor) -> None:
    assert _problems(db, trainer, {}) == {
        "name": "Name is required",
        "level": "Level is required",
        "category": "Category is required",
        "equipment": "Equipment is required",
        "primaryMuscles": "Main muscles: choose at least one",
    }
    problems = _problems(
        db,
        trainer,
        {
            **VIKING,
            "name": "--",
            "level": "master",
            "equipment": "spaceship",
            "mechanic": "hydraulic",
            "force": 3,
            "primaryMuscles": ["shoulders", "wings"],
            "secondaryMuscles": ["shoulders"],
            "instructions": "x" * 2001,
        },
    )
    assert problems["name"] == "Name needs at least one letter or digit"
    assert problems["level"] == "Level must be one of beginner, intermediate, expert"
    assert problems["equipment"].startswith("Equipment must be one of barbell, dumbbell,")
    assert set(problems) == {
        "name",
        "level",
        "equipment",
        "mechanic",
        "force",
        "primaryMuscles",
        "instructions",
    }
    assert _problems(db, trainer, {**VIKING, "primaryMuscles": ["shoulders", "lats", "biceps", "traps"]}) == {
        "primaryMuscles": "Main muscles: choose at most 3"
    }
    assert _problems(db, trainer, {**VIKING, "secondaryMuscles": ["shoulders", "neck"]}) == {
        "secondaryMuscles": "Already a main muscle: shoulders"
    }
    assert _problems(db, trainer, {**VIKING, "name": "x" * 101}) == {
        "name": "Name must be at most 100 characters"
    }
    assert "name" in _problems(db, trainer, {**VIKING, "name": "Bad\x00name"})
