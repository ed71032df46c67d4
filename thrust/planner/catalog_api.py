"""Exercise catalog routes: search it, read one exercise and the ones like it, add the gym's own."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query

from thrust.auth.deps import CurrentActor, SessionDep, authenticated_router
from thrust.core.http import documented
from thrust.core.schemas import Data, Pagination
from thrust.planner import catalog
from thrust.planner.catalog_schemas import ExerciseCreate, ExerciseListOut, ExerciseOut, Search
from thrust.planner.vocabulary import Category, Equipment, Level, Muscle

router = authenticated_router(tags=["exercises"])


def _out(view: catalog.ExerciseView) -> ExerciseOut:
    return ExerciseOut.model_validate(view, from_attributes=True)


# The query parameters, typed as documented (422 for anything else); the service reads them again.
QueryText = Annotated[
    Search | None, Query(description="Words of the name, in any case, with or without accents")
]
QueryEquipment = Annotated[list[Equipment] | None, Query(max_length=len(Equipment), description="Any of")]
QueryMuscle = Annotated[
    list[Muscle] | None, Query(max_length=len(Muscle), description="Any of, as a main muscle of the exercise")
]
QuerySecondary = Annotated[
    bool | None, Query(alias="includeSecondary", description="`muscle` also as a secondary muscle")
]
QueryLevel = Annotated[list[Level] | None, Query(max_length=len(Level), description="Any of")]
QueryCategory = Annotated[list[Category] | None, Query(max_length=len(Category), description="Any of")]


@router.get("/exercises", response_model=ExerciseListOut, summary="Search the exercise catalog")
def list_exercises(
    actor: CurrentActor,
    session: SessionDep,
    q: QueryText = None,
    equipment: QueryEquipment = None,
    muscle: QueryMuscle = None,
    include_secondary: QuerySecondary = None,
    level: QueryLevel = None,
    category: QueryCategory = None,
    page: Annotated[int, Query(ge=1, le=catalog.MAX_PAGE)] = 1,
    limit: Annotated[int, Query(ge=1, le=catalog.MAX_LIMIT)] = catalog.DEFAULT_LIMIT,
) -> ExerciseListOut:
    """One page of the exercises matching every filter given (any of the values within one), by name;
    names that begin with the search first. Anyone signed in."""
    raw: dict[str, Any] = {
        "q": q,
        "equipment": equipment,
        "muscle": muscle,
        "includeSecondary": include_secondary,
        "level": level,
        "category": category,
        "page": page,
        "limit": limit,
    }
    query = catalog.parse_query({key: value for key, value in raw.items() if value is not None})
    result = catalog.search(session, actor, query)
    return ExerciseListOut(
        data=[_out(view) for view in result.items],
        pagination=Pagination.of(result.total, result.page, result.limit),
    )


@router.post(
    "/exercises", status_code=201, **documented("Add one of the gym's own exercises", Data[ExerciseOut], 409)
)
def create_exercise(body: ExerciseCreate, actor: CurrentActor, session: SessionDep) -> Data[ExerciseOut]:
    """ADMIN and TRAINER. A name another exercise has (the catalog's too) is refused naming `name`."""
    return Data(data=_out(catalog.create_custom(session, actor, body.model_dump(by_alias=True))))


@router.get("/exercises/{exercise_id:uuid}", response_model=Data[ExerciseOut], summary="Get an exercise")
def get_exercise(exercise_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> Data[ExerciseOut]:
    """Anyone signed in."""
    return Data(data=_out(catalog.get_exercise(session, actor, exercise_id)))


@router.get(
    "/exercises/{exercise_id:uuid}/similar",
    **documented("Exercises to swap one for", Data[list[ExerciseOut]]),
)
def similar_exercises(
    exercise_id: uuid.UUID,
    actor: CurrentActor,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=catalog.MAX_LIMIT)] = catalog.SIMILAR_LIMIT,
) -> Data[list[ExerciseOut]]:
    """The same main muscle and equipment, the closest first (category, mechanic, force, level), then by
    name. Anyone signed in."""
    return Data(data=[_out(view) for view in catalog.similar(session, actor, exercise_id, limit=limit)])
