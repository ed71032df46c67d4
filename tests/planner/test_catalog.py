"""The exercise catalog's service on both engines: what a search finds (names with accents and case, each
filter, pages), similar exercises for a swap, looking exercises up by id, and who may read it.

Filters are checked against the shipped file itself (read here with plain json), not against our loader.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlmodel import Session

from tests.factories import actor_for, make_user
from thrust.auth.rbac import Actor
from thrust.core.errors import NotFound, Unauthorized, ValidationFailed
from thrust.models import Role
from thrust.planner import catalog
from thrust.planner.catalog import ExerciseQuery
from thrust.planner.catalog_file import CATALOG_FILE, catalog_id
from thrust.planner.vocabulary import Category, Equipment, Level, Muscle

FILE: list[dict[str, Any]] = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def member(db: Session) -> Actor:
    return actor_for(make_user(db, role=Role.MEMBER))


def _names(session: Session, actor: Actor, **query: Any) -> list[str]:
    """Every name the search finds, in its order, walking its pages."""
    names: list[str] = []
    offset, limit = 0, catalog.MAX_LIMIT
    while True:
        page = catalog.search(session, actor, ExerciseQuery(limit=limit, offset=offset, **query))
        names += [item.name for item in page.items]
        if len(page.items) < limit:
            assert page.total == len(names)
            return names
        offset += limit


def _file_names(keep: Any) -> set[str]:
    return {raw["name"] for raw in FILE if keep(raw)}


def test_a_member_browses_the_whole_catalog_by_name(db: Session, member: Actor) -> None:
    page = catalog.search(db, member, ExerciseQuery(limit=10))
    assert page.total == 873 and len(page.items) == 10 and page.total_pages == 88
    everything = _names(db, member)
    assert len(everything) == 873 and set(everything) == _file_names(lambda raw: True)
    assert everything == sorted(everything)  # by name (the engines agree on how)


def test_a_name_is_found_whatever_its_case_accents_and_punctuation(db: Session, member: Actor) -> None:
    for typed in ("barbell full squat", "BÁRBELL  FÜLL squat", "Barbell-Full-Squat", "full squat barbell"):
        assert _names(db, member, text=typed) == ["Barbell Full Squat"], typed
    # Neighbouring words run together: "pullup" as "Pull-Up", "situp" as "Sit-Up".
    assert "Band Assisted Pull-Up" in _names(db, member, text="pullup")
    assert "3/4 Sit-Up" in _names(db, member, text="situp")


def test_words_match_at_the_start_of_a_word(db: Session, member: Actor) -> None:
    rows = _names(db, member, text="row")
    assert "Seated Cable Rows" in rows and "Rowing, Stationary" in rows
    assert not [name for name in rows if "Throw" in name or "Narrow" in name]
    assert _names(db, member, text="xqzz") == []


def test_names_that_begin_with_the_search_come_first(db: Session, member: Actor) -> None:
    found = _names(db, member, text="squat")
    beginning = [name for name in found if name.lower().startswith("squat")]
    assert found[: len(beginning)] == beginning == sorted(beginning) and len(beginning) == 5
    assert "Barbell Full Squat" in found[len(beginning) :]


def test_each_filter_finds_what_the_catalog_file_says(db: Session, member: Actor) -> None:
    assert set(_names(db, member, equipment=(Equipment.KETTLEBELLS,))) == _file_names(
        lambda raw: raw["equipment"] == "kettlebells"
    )
    # The file leaves equipment out for stretches and drills: the filter calls that "none".
    assert set(_names(db, member, equipment=(Equipment.NONE,))) == _file_names(
        lambda raw: not raw["equipment"]
    )
    assert set(_names(db, member, levels=(Level.EXPERT,))) == _file_names(
        lambda raw: raw["level"] == "expert"
    )
    assert set(_names(db, member, categories=(Category.STRONGMAN, Category.CARDIO))) == _file_names(
        lambda raw: raw["category"] in {"strongman", "cardio"}
    )
    glutes = set(_names(db, member, muscles=(Muscle.GLUTES,)))
    assert glutes == _file_names(lambda raw: "glutes" in raw["primaryMuscles"]) and len(glutes) == 22
    helpers = set(_names(db, member, muscles=(Muscle.GLUTES,), include_secondary=True))
    assert helpers == _file_names(lambda raw: "glutes" in raw["primaryMuscles"] + raw["secondaryMuscles"])


def test_filters_combine_with_a_search(db: Session, member: Actor) -> None:
    found = _names(
        db,
        member,
        text="press",
        equipment=(Equipment.DUMBBELL, Equipment.BARBELL),
        muscles=(Muscle.CHEST,),
        levels=(Level.BEGINNER, Level.INTERMEDIATE),
    )
    expected = _file_names(
        lambda raw: (
            raw["equipment"] in {"dumbbell", "barbell"}
            and "chest" in raw["primaryMuscles"]
            and raw["level"] != "expert"
            and any(word.startswith("press") for word in raw["name"].lower().replace("-", " ").split())
        )
    )
    assert set(found) == expected and "Dumbbell Bench Press" in found


def test_pages_walk_the_results_without_gaps_and_a_page_past_the_end_is_empty(
    db: Session, member: Actor
) -> None:
    whole = catalog.search(db, member, ExerciseQuery(equipment=(Equipment.CABLE,), limit=100))
    pages = [
        catalog.search(db, member, ExerciseQuery(equipment=(Equipment.CABLE,), limit=20, offset=offset))
        for offset in range(0, 100, 20)
    ]
    assert [item.id for page in pages for item in page.items] == [item.id for item in whole.items]
    assert {page.total for page in pages} == {81} and pages[1].page == 2 and pages[0].total_pages == 5
    past = catalog.search(db, member, ExerciseQuery(equipment=(Equipment.CABLE,), offset=500))
    assert past.items == [] and past.total == 81


def test_what_a_search_shows_of_an_exercise(db: Session, member: Actor) -> None:
    squat = catalog.search(db, member, ExerciseQuery(text="barbell full squat")).items[0]
    assert squat.id == catalog_id("Barbell_Full_Squat") and squat.source_id == "Barbell_Full_Squat"
    assert (squat.level, squat.category, squat.equipment) == ("intermediate", "strength", "barbell")
    assert (squat.mechanic, squat.force, squat.main_muscle) == ("compound", "push", "quadriceps")
    assert squat.secondary_muscles == ("calves", "glutes", "hamstrings", "lower back")
    assert squat.instructions is None and not squat.is_custom


def test_looking_up_exercises_by_id(db: Session, member: Actor) -> None:
    squat, nobody = catalog_id("Barbell_Full_Squat"), uuid.uuid4()
    assert catalog.get_exercise(db, member, squat).name == "Barbell Full Squat"
    with pytest.raises(NotFound):
        catalog.get_exercise(db, member, nobody)
    found = catalog.exercises_by_id(db, member, [squat, nobody, catalog_id("Pullups"), squat])
    assert {view.name for view in found.values()} == {"Barbell Full Squat", "Pullups"}
    assert nobody not in found and catalog.exercises_by_id(db, member, []) == {}


def test_similar_exercises_share_the_main_muscle_and_equipment_closest_first(
    db: Session, member: Actor
) -> None:
    squat = catalog.get_exercise(db, member, catalog_id("Barbell_Full_Squat"))
    swaps = catalog.similar(db, member, squat.id, limit=50)
    expected = _file_names(
        lambda raw: (
            raw["equipment"] == "barbell"
            and "quadriceps" in raw["primaryMuscles"]
            and raw["id"] != "Barbell_Full_Squat"
        )
    )
    assert {swap.name for swap in swaps} == expected and squat.id not in {swap.id for swap in swaps}

    def closeness(view: catalog.ExerciseView) -> int:
        mine = (view.category, view.mechanic, view.force, view.level)
        theirs = (squat.category, squat.mechanic, squat.force, squat.level)
        return sum(a == b for a, b in zip(mine, theirs, strict=True))

    assert [closeness(swap) for swap in swaps] == sorted(map(closeness, swaps), reverse=True)
    assert closeness(swaps[0]) == 4  # another intermediate barbell strength squat, compound and pushing
    assert len(catalog.similar(db, member, squat.id)) == catalog.SIMILAR_LIMIT
    with pytest.raises(NotFound):
        catalog.similar(db, member, uuid.uuid4())


def test_an_exercise_alone_of_its_kind_has_no_similar_ones(db: Session, member: Actor) -> None:
    lonely = [
        raw
        for raw in FILE
        if not any(
            other["id"] != raw["id"]
            and other["equipment"] == raw["equipment"]
            and raw["primaryMuscles"][0] in other["primaryMuscles"]
            for other in FILE
        )
    ]
    assert lonely, "the file has an exercise with no other of the same main muscle and equipment"
    assert catalog.similar(db, member, catalog_id(lonely[0]["id"])) == []


def test_reading_the_catalog_needs_a_signed_in_user(db: Session) -> None:
    with pytest.raises(Unauthorized):
        catalog.search(db, None, ExerciseQuery())
    with pytest.raises(Unauthorized):
        catalog.get_exercise(db, None, catalog_id("Pullups"))
    with pytest.raises(Unauthorized):
        catalog.similar(db, None, catalog_id("Pullups"))


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"equipment": "spaceship"}, "equipment"),
        ({"muscle": "chest,wings"}, "muscle"),
        ({"level": "master"}, "level"),
        ({"category": ["yoga"]}, "category"),
        ({"limit": "101"}, "limit"),
        ({"page": "0"}, "page"),
        ({"q": "x" * 101}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"includeSecondary": "maybe"}, "includeSecondary"),
    ],
)
def test_a_bad_search_names_its_field(raw: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        catalog.parse_query(raw)
    assert [problem.field for problem in refused.value.details] == [field]


def test_a_search_is_read_from_text_as_the_query_string_sends_it(db: Session, member: Actor) -> None:
    query = catalog.parse_query(
        {"q": " Curl ", "equipment": "Dumbbell,cable", "muscle": ["biceps"], "page": "2", "limit": "5"}
    )
    assert query == ExerciseQuery(
        text="Curl",
        equipment=(Equipment.DUMBBELL, Equipment.CABLE),
        muscles=(Muscle.BICEPS,),
        limit=5,
        offset=5,
    )
    assert catalog.search(db, member, query).page == 2
    with pytest.raises(ValidationFailed):
        catalog.search(db, member, ExerciseQuery(limit=1000))


def test_the_pickers_options_carry_labels(db: Session) -> None:
    options = catalog.vocabularies()
    assert [c.value for c in options.levels] == ["beginner", "intermediate", "expert"]
    assert {c.value: c.label for c in options.equipment}["e-z curl bar"] == "E-Z curl bar"
    assert {c.value: c.label for c in options.equipment}["none"] == "No equipment"
    assert {c.value for c in options.muscles} == {m for raw in FILE for m in raw["primaryMuscles"]}
    assert {c.value for c in options.categories} == {raw["category"] for raw in FILE}
