"""State of the settings page: the loader that opens the tabs this user may see, and the Gym tab (admins,
with the switch that publishes how busy the gym is on /busy).

The Profile and Password tabs' state is in `thrust/auth/account_state.py`, the Staff tab's in
`thrust/staff/state.py`, the Jobs tab's in `thrust/system/jobs_state.py`, the AI planner tab's in
`thrust/ai/settings_state.py`. Each tab has its own small state, loaded by a guarded handler when the page
opens (never computed vars), and reset when the user signs out.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

import reflex as rx

from thrust.ai.settings_state import AISettingsState
from thrust.auth.account_state import AccountProfileState
from thrust.auth.arguments import bool_arg, choice_arg, form_values
from thrust.auth.guard import requires, signed_in
from thrust.auth.rbac import Permission
from thrust.auth.state import acting_user, user_bound
from thrust.core.errors import FieldProblem, ValidationFailed
from thrust.core.settings import get_settings
from thrust.gym.saving import save_gym_settings
from thrust.staff.state import StaffState
from thrust.system.jobs_state import JobsState
from thrust.ui import routes
from thrust.ui.feedback import in_unit_of_work, saved_toast, shows_refusals
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
PUBLISHED = "Anyone can now see how busy the gym is at the public page"
UNPUBLISHED = "The public page is off: it answers “not found” and shares nothing"
# The frame a website gives the public page: room for the figures and the next hours on a phone.
EMBED_SIZE = ("360", "460")

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


@dataclasses.dataclass
class DayHours:
    """One weekday's opening hours as the form shows them."""

    day: str = ""
    label: str = ""
    opens: str = ""
    closes: str = ""
    is_open: bool = True


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
        events: list[Any] = [AccountProfileState.load_profile]
        if actor.can(Permission.SETTINGS_MANAGE):
            events.append(GymSettingsState.load_gym)
        if actor.can(Permission.STAFF_MANAGE):
            events.append(StaffState.load_staff)
        if actor.can(Permission.SETTINGS_MANAGE):
            events.append(JobsState.load_jobs)
            events.append(AISettingsState.load_ai_settings)
        return events


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
    # The public page: whether it is on, its address and the <iframe> a website may paste.
    public_occupancy: bool = False
    busy_url: str = ""
    busy_snippet: str = ""

    def _show(self, gym: Any) -> None:
        self._show_public_page(gym)
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

    def _show_public_page(self, gym: Any) -> None:
        self.public_occupancy = bool(gym.public_occupancy)
        self.busy_url = get_settings().public_url.rstrip("/") + routes.BUSY
        width, height = EMBED_SIZE
        title = html.escape(f"How busy {gym.name} is now", quote=True)
        self.busy_snippet = (
            f'<iframe src="{html.escape(self.busy_url, quote=True)}" title="{title}" '
            f'width="{width}" height="{height}" style="border:0" loading="lazy"></iframe>'
        )

    @rx.event
    @requires(Permission.SETTINGS_MANAGE)
    @shows_refusals()
    async def set_public_occupancy(self, on: bool) -> Any:
        """The switch: publish how busy the gym is (/busy and its API), or stop; saved at once."""
        gym = await save_gym_settings(self, public_occupancy=bool_arg(on, "on"))
        self._show_public_page(gym)
        return saved_toast(PUBLISHED if gym.public_occupancy else UNPUBLISHED)

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
    @shows_refusals(fields="errors")
    async def save_gym(self, form_data: dict) -> Any:
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
        if problems:  # shown like the service's own
            raise ValidationFailed(details=[FieldProblem(name, text) for name, text in problems.items()])
        gym = await save_gym_settings(
            self,
            name=values["name"],
            max_capacity=capacity,
            timezone=values["timezone"],
            auto_checkout_hours=auto_checkout,
            opening_hours=opening_hours,
        )
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
