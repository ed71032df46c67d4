"""State of the settings page's Staff tab (admins): the staff accounts, adding one, role and activation."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.account_state import PASSWORD_LIMIT
from thrust.auth.arguments import BadArgument, bool_arg, choice_arg, form_values, uuid_arg
from thrust.auth.guard import requires
from thrust.auth.rbac import Actor, Permission
from thrust.auth.state import acting_user, user_bound
from thrust.core.db import UnitsOfWork
from thrust.models import Role
from thrust.staff import service
from thrust.ui.feedback import in_unit_of_work, refusals, saved_toast, shows_refusals, with_units_of_work

STAFF_ROLE_CHOICES = (Role.TRAINER.value, Role.ADMIN.value)


@dataclasses.dataclass
class StaffRow:
    """One staff account in the Staff tab."""

    id: str = ""
    name: str = ""
    email: str = ""
    role: str = ""
    active: bool = True
    is_you: bool = False


@user_bound
class StaffState(rx.State):
    """Staff accounts: list, add, change role, deactivate and reactivate."""

    rows: list[StaffRow] = []
    errors: dict[str, str] = {}
    notice: str = ""
    add_key: int = 0
    loaded: bool = False

    async def _reload(self, actor: Actor) -> None:
        def work(session: Session) -> list[StaffRow]:
            return [
                StaffRow(
                    id=str(user.id),
                    name=user.full_name or user.email,
                    email=user.email,
                    role=Role(user.role).value,
                    active=bool(user.is_active),
                    is_you=user.id == actor.user_id,
                )
                for user in service.list_staff(session, actor)
            ]

        self.rows = await in_unit_of_work(work, read_only=True)
        self.loaded = True

    @rx.event
    @requires(Permission.STAFF_MANAGE)
    async def load_staff(self) -> None:
        self.notice = ""
        self.errors = {}
        await self._reload(await acting_user(self))

    @rx.event
    @requires(Permission.STAFF_MANAGE)
    @shows_refusals(fields="errors")
    async def add_staff(self, form_data: dict) -> Any:
        values = form_values(
            form_data, {"fullName": 120, "email": 254, "role": 16, "password": PASSWORD_LIMIT}
        )
        role = values["role"] or Role.TRAINER.value
        if role not in STAFF_ROLE_CHOICES:
            raise BadArgument("role", "is not a staff role")
        actor = await acting_user(self)

        def work(units: UnitsOfWork) -> str:
            user = service.add_staff(
                units,
                actor,
                email=values["email"],
                password=values["password"],
                full_name=values["fullName"],
                role=Role(role),
            )
            return user.full_name or user.email

        name = await with_units_of_work(work)
        self.errors = {}
        self.notice = ""
        self.add_key += 1
        await self._reload(actor)
        return saved_toast(f"Saved: {name} can now sign in")

    async def _change(self, work_fn: Any, done: str) -> Any:
        """Run a change to one account; a refusal (the last admin, yourself) shows above the table."""
        actor = await acting_user(self)
        with refusals(self, message="notice") as refused:
            await in_unit_of_work(lambda session: work_fn(session, actor))
        await self._reload(actor)  # either way: the table shows what is stored now
        if refused:
            return refused.toast
        self.notice = ""
        return saved_toast(done)

    @rx.event
    @requires(Permission.STAFF_MANAGE)
    async def change_role(self, user_id: str, role: str) -> Any:
        target = uuid_arg(user_id, "user")
        new_role = Role(choice_arg(role, "role", STAFF_ROLE_CHOICES))
        return await self._change(
            lambda session, actor: service.set_staff_role(session, actor, target, new_role),
            f"Saved: role is now {new_role.value.title()}",
        )

    @rx.event
    @requires(Permission.STAFF_MANAGE)
    async def set_active(self, user_id: str, active: bool) -> Any:
        target = uuid_arg(user_id, "user")
        active = bool_arg(active, "active")
        return await self._change(
            lambda session, actor: service.set_staff_active(session, actor, target, active),
            "Saved: account reactivated" if active else "Saved: account deactivated and signed out",
        )

    @rx.event
    @requires(Permission.STAFF_MANAGE)
    def dismiss_notice(self) -> None:
        self.notice = ""
