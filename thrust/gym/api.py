"""Gym settings routes: anyone signed in reads them, an ADMIN changes them."""

from __future__ import annotations

from typing import Any

from thrust.auth.deps import CurrentActor, SessionDep, authenticated_router
from thrust.core.schemas import Data
from thrust.gym import service
from thrust.gym.schemas import GymOut, GymPatch
from thrust.models import GymSettings

router = authenticated_router(tags=["gym"])


def _out(gym: GymSettings) -> dict[str, Any]:
    return GymOut.model_validate(gym).model_dump(mode="json", by_alias=True)


@router.get("/settings/gym", response_model=Data[GymOut], summary="The gym's settings")
def get_gym(actor: CurrentActor, session: SessionDep) -> dict[str, Any]:
    """Name, capacity, time zone, auto check-out hours, opening hours, the AI planner's approval rule
    and monthly budget."""
    return {"data": _out(service.get_gym(session))}


@router.patch("/settings/gym", response_model=Data[GymOut], summary="Change the gym's settings (ADMIN)")
def update_gym(body: GymPatch, actor: CurrentActor, session: SessionDep) -> dict[str, Any]:
    """Change only the fields sent; `null` is refused (every setting has a value) except for
    `aiMonthlyBudgetUsd`, where it removes the budget."""
    fields = body.model_dump(exclude_unset=True)
    return {"data": _out(service.update_gym(session, actor, **fields))}
