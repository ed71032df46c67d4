"""State of the "Reminders" card on a member's page: which expiry e-mails went out, and when (staff)."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.guard import signed_in
from thrust.auth.state import acting_user, user_bound
from thrust.gym.clock import gym_clock
from thrust.members.capabilities import VIEW_MEMBERS, allowed
from thrust.reminders import service
from thrust.ui import routes
from thrust.ui.feedback import in_unit_of_work, refusals
from thrust.ui.format import WEEKDAY, WEEKDAY_TIME, count_label, day_label

STATUS_LABELS = {
    service.SENT: "Sent",
    service.FAILED: "Not delivered",
    service.SKIPPED: "Skipped (a later reminder was due)",
    service.SENDING: "Sending",
    "interrupted": "Interrupted: may not have arrived",
}


@dataclasses.dataclass
class ReminderRow:
    key: str = ""
    stage: str = ""  # "7 days before the end"
    status: str = ""
    status_label: str = ""
    at: str = ""
    about: str = ""  # "membership ending Mon 3 Dec 2026"
    error: str = ""


def stage_label(stage: int) -> str:
    if stage == 0:
        return "On the last day"
    return f"{count_label(stage, 'day')} before the end"


@user_bound
class ReminderHistoryState(rx.State):
    """Loaded with the member's page; empty for members looking at their own page."""

    rows: list[ReminderRow] = []
    unsubscribed: str = ""  # "Unsubscribed on Mon 3 Dec 2026" or ""
    loaded: bool = False

    @rx.event
    @signed_in
    async def load_reminders(self) -> Any:
        self.rows, self.unsubscribed, self.loaded = [], "", False
        actor = await acting_user(self)
        member_id = routes.member_id_in(self.router.url.path)
        if member_id is None or not (allowed(actor, VIEW_MEMBERS)):
            return  # the card is for staff; the member page itself says what else is wrong

        def work(session: Session) -> tuple[list[ReminderRow], str]:
            history = service.member_reminders(session, actor, member_id)
            gym = gym_clock(session)
            rows = [
                ReminderRow(
                    key=f"{entry.membership_end}:{entry.stage}",
                    stage=stage_label(entry.stage),
                    status=entry.status,
                    status_label=STATUS_LABELS.get(entry.status, entry.status),
                    at=day_label(gym.local(entry.at), WEEKDAY_TIME),
                    about=f"membership ending {day_label(entry.membership_end, WEEKDAY)}",
                    error=entry.error or "",
                )
                for entry in history.entries
            ]
            when = history.unsubscribed_at
            note = (
                f"Unsubscribed from reminder e-mails on {day_label(gym.local(when), WEEKDAY)}" if when else ""
            )
            return rows, note

        with refusals(self) as refused:
            self.rows, self.unsubscribed = await in_unit_of_work(work, read_only=True)
        if refused:
            return  # not visible to this viewer: the profile card says so (no toast of its own)
        self.loaded = True
