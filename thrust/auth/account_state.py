"""State of the settings page's Profile and Password tabs: the signed-in user's own account.

Each tab has its own small state, loaded by a guarded handler when the page opens (never computed
vars), and reset when the user signs out. Passwords arrive in a submitted form's dict, go straight to
the service in a worker thread (bcrypt is slow) and are never kept in a var.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.arguments import form_values
from thrust.auth.guard import signed_in
from thrust.auth.state import AuthState, acting_user, show_display_name, user_bound
from thrust.core.db import UnitsOfWork
from thrust.core.errors import FieldProblem, ValidationFailed
from thrust.ui.feedback import in_unit_of_work, saved_toast, shows_refusals, with_units_of_work

PASSWORD_LIMIT = 1024  # longer than bcrypt's 72 bytes on purpose: the service explains that limit
PASSWORD_CHANGED = "Password changed. You were signed out on your other devices."


@user_bound
class AccountProfileState(rx.State):
    """The signed-in user's own name, phone and email (a member's page has its own state)."""

    full_name: str = ""
    phone: str = ""
    email: str = ""
    errors: dict[str, str] = {}
    form_key: int = 0  # bumped to re-mount the (uncontrolled) inputs when their values change
    loaded: bool = False

    def _show(self, user: Any) -> None:
        values = (user.full_name or "", user.phone or "", user.email)
        if values != (self.full_name, self.phone, self.email):
            self.full_name, self.phone, self.email = values
            self.form_key += 1
        self.loaded = True

    @rx.event
    @signed_in
    async def load_profile(self) -> None:
        from thrust.auth.service import get_me

        actor = await acting_user(self)
        self._show(await in_unit_of_work(lambda s: get_me(s, actor), read_only=True))
        self.errors = {}

    @rx.event
    @signed_in
    @shows_refusals(fields="errors")
    async def save_profile(self, form_data: dict) -> Any:
        from thrust.auth.service import update_profile

        values = form_values(form_data, {"fullName": 120, "phone": 32, "email": 254})
        actor = await acting_user(self)

        def work(session: Session) -> Any:
            return update_profile(
                session, actor, full_name=values["fullName"], phone=values["phone"], email=values["email"]
            )

        user = await in_unit_of_work(work)
        self.errors = {}
        self._show(user)
        auth = await self.get_state(AuthState)
        show_display_name(auth, user.full_name or user.email)
        return saved_toast()


@user_bound
class AccountPasswordState(rx.State):
    """Changing the signed-in user's own password (the form's values are never stored here)."""

    errors: dict[str, str] = {}
    form_key: int = 0

    @rx.event
    @signed_in
    @shows_refusals(fields="errors")
    async def change_password(self, form_data: dict) -> Any:
        from thrust.auth.service import change_password

        values = form_values(
            form_data,
            {
                "currentPassword": PASSWORD_LIMIT,
                "newPassword": PASSWORD_LIMIT,
                "repeatPassword": PASSWORD_LIMIT,
            },
        )
        problems = {}
        if not values["currentPassword"]:
            problems["currentPassword"] = "Enter your current password"
        if not values["newPassword"]:
            problems["newPassword"] = "Enter a new password"
        elif values["repeatPassword"] != values["newPassword"]:
            problems["repeatPassword"] = "The passwords do not match"
        if problems:  # shown like the service's own
            raise ValidationFailed(details=[FieldProblem(name, text) for name, text in problems.items()])
        actor = await acting_user(self)

        def work(units: UnitsOfWork) -> None:
            change_password(
                units,
                actor,
                current_password=values["currentPassword"],
                new_password=values["newPassword"],
            )

        await with_units_of_work(work)
        self.errors = {}
        self.form_key += 1  # empties the three fields
        return saved_toast(PASSWORD_CHANGED)
