"""Staff account routes (ADMIN): list, add, change role, deactivate or reactivate."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Path

from thrust.auth.deps import CurrentActor, SessionDep, authenticated_router
from thrust.core.http import UnitOfWork, documented
from thrust.core.schemas import Data
from thrust.models import User
from thrust.staff import service as staff
from thrust.staff.schemas import StaffIn, StaffOut, StaffPatch

router = authenticated_router(tags=["staff"])


def _out(user: User) -> dict[str, Any]:
    return StaffOut.model_validate(user).model_dump(mode="json", by_alias=True)


@router.get("/staff", response_model=Data[list[StaffOut]], summary="List staff accounts")
def list_staff(actor: CurrentActor, session: SessionDep) -> dict[str, Any]:
    """Every ADMIN and TRAINER account, active ones first."""
    return {"data": [_out(user) for user in staff.list_staff(session, actor)]}


@router.post("/staff", status_code=201, **documented("Add a staff account", Data[StaffOut], 409))
def add_staff(body: StaffIn, actor: CurrentActor, unit_of_work: UnitOfWork) -> dict[str, Any]:
    """Create an ADMIN or TRAINER login with a password that follows the password rules."""
    user = staff.add_staff(
        unit_of_work,
        actor,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        role=body.role,
    )
    return {"data": _out(user)}


@router.patch("/staff/{userId:uuid}", **documented("Change a staff account", Data[StaffOut], 409))
def update_staff(
    user_id: Annotated[uuid.UUID, Path(alias="userId")],
    body: StaffPatch,
    actor: CurrentActor,
    session: SessionDep,
) -> dict[str, Any]:
    """Change the role and/or deactivate (`isActive: false`, every session ends at once) or reactivate."""
    fields = body.model_dump(exclude_unset=True)
    user: User | None = None
    if "role" in fields:
        user = staff.set_staff_role(session, actor, user_id, fields["role"])
    if "is_active" in fields:
        user = staff.set_staff_active(session, actor, user_id, fields["is_active"])
    assert user is not None
    return {"data": _out(user)}
