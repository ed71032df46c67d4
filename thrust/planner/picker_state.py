"""State of the planner's catalog picker: what it searches (a name, equipment, muscle, level) and found, and
which day it adds to or which exercise it swaps. The catalog service finds; the planner's state changes
the plan."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import reflex as rx

from thrust.auth.arguments import choice_arg, int_arg, text_arg, uuid_arg
from thrust.auth.guard import requires
from thrust.auth.state import acting_user, user_bound
from thrust.planner import catalog
from thrust.planner.capabilities import BUILD_PLANS
from thrust.planner.catalog import ExerciseView
from thrust.planner.document import DAYS_IN_WEEK, MAX_EXERCISES_PER_DAY
from thrust.planner.editor_state import PlannerState
from thrust.planner.vocabulary import Choice, label
from thrust.ui.feedback import in_unit_of_work, refusals

RESULTS = 20  # hits shown at once: a name narrows the rest
ANY = "any"  # the filters' "no filter" value (a select item cannot have "")
MAX_QUERY = 100


@dataclasses.dataclass
class CatalogHit:
    id: str = ""
    name: str = ""
    detail: str = ""  # "Chest · Barbell · Beginner"


def _hit(view: ExerciseView) -> CatalogHit:
    return CatalogHit(
        str(view.id), view.name, " · ".join(label(v) for v in (view.main_muscle, view.equipment, view.level))
    )


def _options(choices: tuple[Choice, ...], none: str) -> list[list[str]]:
    return [[ANY, none], *([c.value, c.label] for c in choices)]


_VOCABULARY = catalog.vocabularies()
EQUIPMENT = _options(_VOCABULARY.equipment, "Any equipment")
MUSCLES = _options(_VOCABULARY.muscles, "Any muscle")
LEVELS = _options(_VOCABULARY.levels, "Any level")


@user_bound
class PickerState(rx.State):
    """Which day the picker adds to (or which exercise it swaps), what it searches and what it found."""

    open: bool = False
    swapping: bool = False
    heading: str = ""
    day: int = 0
    exercise: int = 0
    query: str = ""
    equipment: str = ANY
    muscle: str = ANY
    level: str = ANY
    hits: list[CatalogHit] = []
    found: str = ""  # "34 exercises" / "No exercise matches"
    added: str = ""  # what the last pick did, said in the dialog

    async def _search(self) -> Any:
        actor = await acting_user(self)
        raw: dict[str, Any] = {"q": self.query, "limit": RESULTS}
        for field, value in (("equipment", self.equipment), ("muscle", self.muscle), ("level", self.level)):
            if value != ANY:
                raw[field] = value
        with refusals(self) as refused:
            page = await in_unit_of_work(
                lambda s: catalog.search(s, actor, catalog.parse_query(raw)), read_only=True
            )
        if refused:
            return refused.toast
        self.hits = [_hit(view) for view in page.items]
        more = f" (the first {RESULTS} shown: type to narrow)" if page.total > RESULTS else ""
        self.found = (
            f"{page.total} exercises{more}" if page.total else "No exercise matches: try fewer filters."
        )
        return None

    @rx.event
    @requires(*BUILD_PLANS)
    async def open_add(self, day: int) -> Any:
        self.day = int_arg(day, "day", minimum=0, maximum=DAYS_IN_WEEK - 1)
        self.open, self.swapping, self.added = True, False, ""
        planner = await self.get_state(PlannerState)
        heading = planner.days[self.day].heading if self.day < len(planner.days) else ""
        self.heading = f"Add exercises to {heading}" if heading else "Add exercises"
        return await self._search()

    @rx.event
    @requires(*BUILD_PLANS)
    async def open_swap(self, day: int, exercise: int) -> Any:
        d = int_arg(day, "day", minimum=0, maximum=DAYS_IN_WEEK - 1)
        e = int_arg(exercise, "exercise", minimum=0, maximum=MAX_EXERCISES_PER_DAY - 1)
        planner = await self.get_state(PlannerState)
        if d >= len(planner.days) or e >= len(planner.days[d].exercises):
            return None
        self.day, self.exercise = d, e
        current = planner.days[d].exercises[e]
        if not current.exercise_id:
            return rx.toast.info("Only a catalog exercise has similar ones to swap for.")
        self.open, self.swapping, self.added = True, True, ""
        self.heading = f"Swap {current.name} for a similar exercise"
        actor, exercise_id = await acting_user(self), uuid.UUID(current.exercise_id)
        with refusals(self) as refused:
            found = await in_unit_of_work(lambda s: catalog.similar(s, actor, exercise_id), read_only=True)
        if refused:
            return refused.toast
        self.hits = [_hit(view) for view in found]
        self.found = (
            f"{len(found)} with the same main muscle and equipment"
            if found
            else "No similar exercise in the catalog."
        )
        return None

    @rx.event
    @requires(*BUILD_PLANS)
    def close(self) -> None:
        self.open = False

    @rx.event
    @requires(*BUILD_PLANS)
    async def set_query(self, value: str) -> Any:
        self.query = text_arg(value, "query", max_length=MAX_QUERY)
        return await self._search()

    @rx.event
    @requires(*BUILD_PLANS)
    async def set_filter(self, field: str, value: str) -> Any:
        options = {"equipment": EQUIPMENT, "muscle": MUSCLES, "level": LEVELS}
        name = choice_arg(field, "field", options)
        setattr(self, name, choice_arg(value, name, [option[0] for option in options[name]]))
        return await self._search()

    @rx.event
    @requires(*BUILD_PLANS)
    async def pick(self, exercise_id: str) -> Any:
        uuid_arg(exercise_id, "exercise_id")
        hit = next((h for h in self.hits if h.id == exercise_id), None)
        if hit is None:
            return None
        planner = await self.get_state(PlannerState)
        if self.swapping:
            planner._swap_from_catalog(self.day, self.exercise, hit.name, hit.id)
            self.open = False
            return rx.toast.success(f"Swapped in {hit.name}.")
        refused = planner._add_from_catalog(self.day, hit.name, hit.id)
        if refused is not None:
            return refused
        self.added = f"Added {hit.name}."
        return None
