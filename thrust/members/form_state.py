"""State of the member form: the add / edit dialog. Field messages come from the service's details,
by field name."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.arguments import form_values, uuid_arg
from thrust.auth.guard import requires
from thrust.auth.state import acting_user, user_bound
from thrust.core.errors import NotFound
from thrust.gym.clock import today as clock_today
from thrust.members import service
from thrust.members.capabilities import CREATE_MEMBERS, EDIT_MEMBERS, OPEN_MEMBER_FORM
from thrust.members.directory_rows import NO_TRAINER, TrainerOption, trainer_options
from thrust.members.profile_state import MemberProfileState
from thrust.ui import routes
from thrust.ui.feedback import in_unit_of_work, saved_toast, shows_refusals


@dataclasses.dataclass
class FormValues:
    """What the member form starts with (all text: inputs are uncontrolled)."""

    fullName: str = ""
    email: str = ""
    phone: str = ""
    dateOfBirth: str = ""
    gender: str = "unspecified"
    membershipTier: str = "BASIC"
    membershipStart: str = ""
    membershipEnd: str = ""
    status: str = "ACTIVE"
    assignedTrainerId: str = NO_TRAINER
    trainerName: str = ""


FORM_LIMITS = {
    "fullName": 120,
    "email": 254,
    "phone": 32,
    "dateOfBirth": 10,
    "gender": 16,
    "membershipTier": 16,
    "membershipStart": 10,
    "membershipEnd": 10,
    "status": 16,
    "assignedTrainerId": 36,
}
GENDER_CHOICES = ("unspecified", *service.GENDERS)
PERSONAL_FIELDS = ("fullName", "phone", "dateOfBirth", "gender")  # what every editor may change


@user_bound
class MemberFormState(rx.State):
    """The add / edit dialog. Field messages come from the service's details, by field name."""

    open: bool = False
    editing: bool = False
    values: FormValues = FormValues()
    errors: dict[str, str] = {}
    trainers: list[TrainerOption] = []
    can_edit_membership: bool = False
    saving: bool = False
    form_key: int = 0

    _member_id: str = ""

    def _start(self, values: FormValues, trainers: list[TrainerOption]) -> None:
        self.values = values
        self.trainers = trainers
        self.errors = {}
        self.saving = False
        self.form_key += 1
        self.open = True

    @rx.event
    @requires(*CREATE_MEMBERS)
    async def open_create(self) -> Any:
        actor = await acting_user(self)

        def work(session: Session) -> tuple[list[TrainerOption], date]:
            return trainer_options(session, actor), clock_today(session)

        trainers, today = await in_unit_of_work(work, read_only=True)
        try:
            end = today.replace(year=today.year + 1)
        except ValueError:  # 29 February
            end = today.replace(year=today.year + 1, day=28)
        self.editing = False
        self._member_id = ""
        self.can_edit_membership = True
        self._start(FormValues(membershipStart=today.isoformat(), membershipEnd=end.isoformat()), trainers)
        return None

    @rx.event
    @requires(*EDIT_MEMBERS)
    @shows_refusals()
    async def open_edit(self, member_id: str) -> Any:
        target = uuid_arg(member_id, "member")
        actor = await acting_user(self)

        def work(session: Session) -> tuple[FormValues, list[TrainerOption], bool]:
            profile = service.get_member_profile(session, actor, target)
            if not profile.can_edit:
                raise NotFound("Member not found")
            m = profile.member
            values = FormValues(
                fullName=m.full_name,
                email=profile.email,
                phone=m.phone or "",
                dateOfBirth=m.date_of_birth.isoformat() if m.date_of_birth else "",
                gender=m.gender or "unspecified",
                membershipTier=m.membership_tier.value,
                membershipStart=m.membership_start.isoformat(),
                membershipEnd=m.membership_end.isoformat(),
                status=m.status.value,
                assignedTrainerId=str(m.assigned_trainer_id) if m.assigned_trainer_id else NO_TRAINER,
                trainerName=profile.trainer_name or "No trainer",
            )
            return values, trainer_options(session, actor), profile.can_edit_membership

        values, trainers, membership = await in_unit_of_work(work, read_only=True)
        self.editing = True
        self._member_id = str(target)
        self.can_edit_membership = membership
        self._start(values, trainers)
        return None

    @rx.event
    @requires(*OPEN_MEMBER_FORM)
    def close(self) -> None:
        self.open = False
        self.errors = {}
        self.saving = False

    @rx.event
    @requires(*OPEN_MEMBER_FORM)
    @shows_refusals(fields="errors", saving=False)
    async def save(self, form_data: dict) -> AsyncIterator[Any]:
        values = form_values(form_data, FORM_LIMITS)
        actor = await acting_user(self)
        # Personal data always; every other field as the form sent it. The form has inputs for the
        # admin-only fields (members service ADMIN_ONLY_FIELDS) only where the service allowed them when
        # it opened: a trainer sees them read-only, with no input to send. Sent anyway, the service
        # refuses the whole change and nothing is saved.
        sent = {key for key, value in form_data.items() if value is not None}
        data = {key: values[key] for key in FORM_LIMITS if key in PERSONAL_FIELDS or key in sent}
        data["gender"] = "" if values["gender"] in ("", "unspecified") else values["gender"]
        if data.get("assignedTrainerId") == NO_TRAINER:
            data["assignedTrainerId"] = ""
        self.saving = True
        yield

        if self.editing:
            member_id = uuid.UUID(self._member_id) if self._member_id else None
            if member_id is None:
                self.saving = False
                yield rx.toast.error("Open a member to edit first.")
                return

            def work(session: Session) -> tuple[str, str]:
                member = service.update_member(session, actor, member_id, data)
                return str(member.id), member.full_name
        else:

            def work(session: Session) -> tuple[str, str]:
                member = service.create_member(session, actor, data)
                return str(member.id), member.full_name

        saved_id, name = await in_unit_of_work(work)
        self.errors = {}
        self.saving = False
        self.open = False
        if self.editing:
            yield saved_toast(f"Saved {name}")
            yield MemberProfileState.refresh
        else:
            yield saved_toast(f"Added {name}. Their login works once they set a password.")
            yield rx.redirect(routes.MEMBERS + f"/{saved_id}")
