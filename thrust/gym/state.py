"""State of the settings page: your profile and password, and (admins) the gym and its staff.

Each tab has its own small state, loaded by a guarded handler when the page opens (never computed
vars), and reset when the user signs out. Passwords arrive in a submitted form's dict, go straight to
the service in a worker thread (bcrypt is slow) and are never kept in a var.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.guard import (
    BadArgument,
    bool_arg,
    choice_arg,
    form_values,
    requires,
    signed_in,
    uuid_arg,
)
from thrust.auth.rbac import Actor, Permission
from thrust.auth.state import AuthState, acting_user, user_bound
from thrust.core.db import UnitsOfWork
from thrust.core.errors import DomainError
from thrust.models import Role
from thrust.ui.feedback import error_toast, field_errors, in_unit_of_work, saved_toast, with_units_of_work
from thrust.ui.state import ShellState

WEEKDAYS: tuple[tuple[str, str], ...] = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)
DAY_KEYS = tuple(key for key, _ in WEEKDAYS)

COMMON_TIMEZONES: tuple[str, ...] = (
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Zurich",
    "Europe/Rome",
    "Europe/Vienna",
    "Europe/Prague",
    "Europe/Warsaw",
    "Europe/Stockholm",
    "Europe/Oslo",
    "Europe/Copenhagen",
    "Europe/Helsinki",
    "Europe/Athens",
    "Europe/Bucharest",
    "Europe/Istanbul",
    "Africa/Casablanca",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/St_Johns",
    "America/Halifax",
    "America/Toronto",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Vancouver",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Mexico_City",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
)

STAFF_ROLE_CHOICES = (Role.TRAINER.value, Role.ADMIN.value)
PASSWORD_LIMIT = 1024  # longer than bcrypt's 72 bytes on purpose: the service explains that limit
PASSWORD_CHANGED = "Password changed. You were signed out on your other devices."


@dataclasses.dataclass
class DayHours:
    """One weekday's opening hours as the form shows them."""

    day: str = ""
    label: str = ""
    opens: str = ""
    closes: str = ""
    is_open: bool = True


@dataclasses.dataclass
class StaffRow:
    """One staff account in the Staff tab."""

    id: str = ""
    name: str = ""
    email: str = ""
    role: str = ""
    active: bool = True
    is_you: bool = False


def _days_from(opening_hours: dict[str, Any] | None) -> list[DayHours]:
    hours = opening_hours or {}
    days = []
    for key, label in WEEKDAYS:
        span = hours.get(key)
        if isinstance(span, list | tuple) and len(span) == 2:
            days.append(DayHours(key, label, str(span[0]), str(span[1]), True))
        else:
            days.append(DayHours(key, label, "", "", False))
    return days


# -- the page -------------------------------------------------------------------------------------


class SettingsState(rx.State):
    """Opens the settings page: loads the tabs this user may see."""

    @rx.event
    @signed_in
    async def load_settings(self) -> list[Any]:
        actor = await acting_user(self)
        events: list[Any] = [ProfileState.load_profile]
        if actor.can(Permission.SETTINGS_MANAGE):
            events.append(GymSettingsState.load_gym)
        if actor.can(Permission.STAFF_MANAGE):
            events.append(StaffState.load_staff)
        if actor.can(Permission.SETTINGS_MANAGE):
            from thrust.system.jobs_state import JobsState

            events.append(JobsState.load_jobs)
        return events


# -- profile ----------------------------------------------------------------------------------------


@user_bound
class ProfileState(rx.State):
    """Your own name, phone and email."""

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
    async def save_profile(self, form_data: dict) -> Any:
        from thrust.auth.service import update_profile

        values = form_values(form_data, {"fullName": 120, "phone": 32, "email": 254})
        actor = await acting_user(self)

        def work(session: Session) -> Any:
            return update_profile(
                session, actor, full_name=values["fullName"], phone=values["phone"], email=values["email"]
            )

        try:
            user = await in_unit_of_work(work)
        except DomainError as error:
            self.errors = field_errors(error)
            return error_toast(error)
        self.errors = {}
        self._show(user)
        auth = await self.get_state(AuthState)
        auth._set_display_name(user.full_name or user.email)
        return saved_toast()


# -- password ---------------------------------------------------------------------------------------


@user_bound
class PasswordState(rx.State):
    """Changing your password (the form's values are never stored here)."""

    errors: dict[str, str] = {}
    form_key: int = 0

    @rx.event
    @signed_in
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
        if problems:
            self.errors = problems
            return rx.toast.error("Please check the highlighted fields.")
        actor = await acting_user(self)

        def work(units: UnitsOfWork) -> None:
            change_password(
                units,
                actor,
                current_password=values["currentPassword"],
                new_password=values["newPassword"],
            )

        try:
            await with_units_of_work(work)
        except DomainError as error:
            self.errors = field_errors(error)
            return error_toast(error)
        self.errors = {}
        self.form_key += 1  # empties the three fields
        return saved_toast(PASSWORD_CHANGED)


# -- gym (admins) ------------------------------------------------------------------------------------


@user_bound
class GymSettingsState(rx.State):
    """The gym's name, capacity, timezone, auto check-out and opening hours."""

    name: str = ""
    max_capacity: str = ""
    timezone: str = "UTC"
    auto_checkout_hours: str = ""
    days: list[DayHours] = []
    timezones: list[str] = list(COMMON_TIMEZONES)
    errors: dict[str, str] = {}
    form_key: int = 0
    loaded: bool = False

    def _show(self, gym: Any) -> None:
        values = (
            gym.name,
            str(gym.max_capacity),
            gym.timezone,
            str(gym.auto_checkout_hours),
            _days_from(gym.opening_hours),
        )
        if values != (self.name, self.max_capacity, self.timezone, self.auto_checkout_hours, self.days):
            self.name, self.max_capacity, self.timezone, self.auto_checkout_hours, self.days = values
            self.timezones = list(COMMON_TIMEZONES)
            if gym.timezone not in COMMON_TIMEZONES:
                self.timezones.insert(0, gym.timezone)
            self.form_key += 1
        self.loaded = True

    @rx.event
    @requires(Permission.SETTINGS_MANAGE)
    async def load_gym(self) -> None:
        from thrust.gym.service import get_gym

        self._show(await in_unit_of_work(get_gym, read_only=True))
        self.errors = {}

    @rx.event
    @requires(Permission.SETTINGS_MANAGE)
    def set_day_open(self, day: str, is_open: bool) -> None:
        day = choice_arg(day, "day", DAY_KEYS)
        is_open = bool_arg(is_open, "open")
        for entry in self.days:
            if entry.day == day:
                entry.is_open = is_open
                if is_open and not entry.opens:
                    entry.opens, entry.closes = "06:00", "22:00"
        self.days = list(self.days)
        self.errors = {k: v for k, v in self.errors.items() if not k.startswith("openingHours")}

    @rx.event
    @requires(Permission.SETTINGS_MANAGE)
    async def save_gym(self, form_data: dict) -> Any:
        from thrust.gym.service import update_gym

        limits = {"name": 120, "maxCapacity": 9, "timezone": 64, "autoCheckoutHours": 4}
        limits |= {f"opens_{day}": 5 for day in DAY_KEYS} | {f"closes_{day}": 5 for day in DAY_KEYS}
        values = form_values(form_data, limits)
        problems: dict[str, str] = {}
        capacity = _whole_number(values["maxCapacity"], "maxCapacity", problems)
        auto_checkout = _whole_number(values["autoCheckoutHours"], "autoCheckoutHours", problems)
        opening_hours: dict[str, list[str] | None] = {}
        for entry in self.days:
            if entry.is_open:
                opens, closes = values[f"opens_{entry.day}"], values[f"closes_{entry.day}"]
                if not opens or not closes:
                    problems[f"openingHours.{entry.day}"] = (
                        "Enter opening and closing times, or mark the day closed"
                    )
                opening_hours[entry.day] = [opens, closes]
            else:
                opening_hours[entry.day] = None
        if problems:
            self.errors = problems
            return rx.toast.error("Please check the highlighted fields.")
        actor = await acting_user(self)

        def work(session: Session) -> Any:
            return update_gym(
                session,
                actor,
                name=values["name"],
                max_capacity=capacity,
                timezone=values["timezone"],
                auto_checkout_hours=auto_checkout,
                opening_hours=opening_hours,
            )

        try:
            gym = await in_unit_of_work(work)
        except DomainError as error:
            self.errors = field_errors(error)
            return error_toast(error)
        self.errors = {}
        self._show(gym)
        shell = await self.get_state(ShellState)
        shell.gym_name = gym.name
        return saved_toast()


def _whole_number(text: str, field: str, problems: dict[str, str]) -> int:
    text = text.strip()
    if not text.isdigit() or len(text) > 9:
        problems[field] = "Enter a whole number"
        return 0
    return int(text)


# -- staff (admins) -----------------------------------------------------------------------------------


@user_bound
class StaffState(rx.State):
    """Staff accounts: list, add, change role, deactivate and reactivate."""

    rows: list[StaffRow] = []
    errors: dict[str, str] = {}
    notice: str = ""
    add_key: int = 0
    loaded: bool = False

    async def _reload(self, actor: Actor) -> None:
        from thrust.auth.staff import list_staff

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
                for user in list_staff(session, actor)
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
    async def add_staff(self, form_data: dict) -> Any:
        from thrust.auth.staff import add_staff

        values = form_values(
            form_data, {"fullName": 120, "email": 254, "role": 16, "password": PASSWORD_LIMIT}
        )
        role = values["role"] or Role.TRAINER.value
        if role not in STAFF_ROLE_CHOICES:
            raise BadArgument("role", "is not a staff role")
        actor = await acting_user(self)

        def work(units: UnitsOfWork) -> str:
            user = add_staff(
                units,
                actor,
                email=values["email"],
                password=values["password"],
                full_name=values["fullName"],
                role=Role(role),
            )
            return user.full_name or user.email

        try:
            name = await with_units_of_work(work)
        except DomainError as error:
            self.errors = field_errors(error)
            return error_toast(error)
        self.errors = {}
        self.notice = ""
        self.add_key += 1
        await self._reload(actor)
        return saved_toast(f"Saved: {name} can now sign in")

    async def _change(self, work_fn: Any, done: str) -> Any:
        actor = await acting_user(self)
        try:
            await in_unit_of_work(lambda session: work_fn(session, actor))
        except DomainError as error:
            self.notice = error.message
            await self._reload(actor)
            return rx.toast.error(error.message)
        self.notice = ""
        await self._reload(actor)
        return saved_toast(done)

    @rx.event
    @requires(Permission.STAFF_MANAGE)
    async def change_role(self, user_id: str, role: str) -> Any:
        from thrust.auth.staff import set_staff_role

        target = uuid_arg(user_id, "user")
        new_role = Role(choice_arg(role, "role", STAFF_ROLE_CHOICES))
        return await self._change(
            lambda session, actor: set_staff_role(session, actor, target, new_role),
            f"Saved: role is now {new_role.value.title()}",
        )

    @rx.event
    @requires(Permission.STAFF_MANAGE)
    async def set_active(self, user_id: str, active: bool) -> Any:
        from thrust.auth.staff import set_staff_active

        target = uuid_arg(user_id, "user")
        active = bool_arg(active, "active")
        return await self._change(
            lambda session, actor: set_staff_active(session, actor, target, active),
            "Saved: account reactivated" if active else "Saved: account deactivated and signed out",
        )

    @rx.event
    @requires(Permission.STAFF_MANAGE)
    def dismiss_notice(self) -> None:
        self.notice = ""
