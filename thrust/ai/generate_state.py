"""State of the planner's "Generate with AI": the form (prefilled from the member's profile), then the
generation as a background event whose stages the dialog shows and which the trainer may cancel; the
checked plan lands in the planner's editor as a new, unsaved plan to review, edit and save."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import reflex as rx

from thrust.ai import generation, service
from thrust.ai.admin import OFFLINE, provider_label
from thrust.ai.draft import Goal
from thrust.ai.inputs import input_json
from thrust.auth.arguments import form_values
from thrust.auth.background import background_actor, background_requires
from thrust.auth.guard import requires
from thrust.auth.state import acting_user, user_bound
from thrust.core.errors import DomainError
from thrust.planner.capabilities import BUILD_PLANS
from thrust.planner.editor_state import PlannerState
from thrust.ui.background import follow
from thrust.ui.feedback import field_errors, in_unit_of_work, refusals

FORM_LIMITS = {
    "age": 3,
    "gender": 20,
    "currentFitnessLevel": 20,
    "daysPerWeek": 1,
    "minutesPerSession": 2,
    "equipment": 20,
    "injuries": 500,
    **{f"goal_{goal.value}": 3 for goal in Goal},
}
POLL_SECONDS = 0.2  # how often the running task looks for a cancel
CANCELLED = "Generation cancelled: nothing was made."


def _body(form: dict[str, str], member_id: str) -> dict[str, Any]:
    """The service's request from the form's text fields (numbers as numbers where they are numbers)."""

    def number(text: str) -> Any:
        return int(text) if text.strip().isdigit() else (text or None)

    return {
        "memberId": member_id,
        "age": number(form["age"]),
        "gender": form["gender"] or None,
        "currentFitnessLevel": form["currentFitnessLevel"],
        "goals": [goal.value for goal in Goal if form[f"goal_{goal.value}"]],
        "daysPerWeek": number(form["daysPerWeek"]),
        "minutesPerSession": number(form["minutesPerSession"]),
        "equipment": form["equipment"],
        "injuries": form["injuries"],
    }


@user_bound
class GenerateState(rx.State):
    """The dialog: its form, its errors, the stage the running generation is at."""

    open: bool = False
    member_name: str = ""
    age: str = ""
    gender: str = ""
    provider: str = ""  # who will answer, in words
    errors: dict[str, str] = {}
    running: bool = False
    stage: str = ""
    stages_done: list[str] = []
    _cancel: bool = False
    _body: dict[str, Any] | None = None  # the checked request, until the background task takes it

    @rx.event
    @requires(*BUILD_PLANS)
    async def open_generator(self) -> Any:
        """Open the form for the planner's member, with their age and gender from the profile."""
        planner = await self.get_state(PlannerState)
        if refusal := planner._new_plan_refusal():
            return refusal
        actor, member_id = await acting_user(self), uuid.UUID(planner.member_id)

        def read(session: Any) -> tuple[dict[str, Any], str]:
            config, notice = service.provider_for(session)
            who = provider_label() if config else OFFLINE  # the words Settings uses
            return service.form_defaults(session, actor, member_id), notice or who

        with refusals(self) as refused:
            defaults, self.provider = await in_unit_of_work(read, read_only=True)
        if refused:
            return refused.toast
        self.member_name = planner.member_name
        self.age = str(defaults["age"] or "")
        self.gender = defaults["gender"] or "unspecified"
        self.errors, self.stage, self.stages_done, self.running = {}, "", [], False
        self.open = True
        return None

    @rx.event
    @requires(*BUILD_PLANS)
    def close_generator(self) -> None:
        if self.running:
            self._cancel = True
        self.open = False

    @rx.event
    @requires(*BUILD_PLANS)
    def cancel(self) -> None:
        self._cancel = True

    @rx.event
    @requires(*BUILD_PLANS)
    async def generate(self, form_data: dict) -> Any:
        """Check the form (messages next to its fields), then start the generation in the background."""
        if self.running:
            return None
        form = form_values(form_data, FORM_LIMITS)
        planner = await self.get_state(PlannerState)
        actor, body = await acting_user(self), _body(form, planner.member_id)
        try:
            prepared = await in_unit_of_work(lambda s: service.prepare(s, actor, body), read_only=True)
        except DomainError as error:
            self.errors = field_errors(error)
            return rx.toast.error(error.message if not self.errors else "Fix the marked fields.")
        del prepared  # checked; the background task prepares again (no exercise pool kept in the state)
        self.errors, self._body, self._cancel = {}, body, False
        self.running, self.stage, self.stages_done = True, "Starting", []
        return GenerateState.run_generation

    @rx.event(background=True)
    @background_requires(*BUILD_PLANS, on_refusal=lambda state: setattr(state, "running", False))
    async def run_generation(self) -> Any:
        actor = background_actor()
        async with self:
            body, self._body = self._body, None
            if body is None or not self.running:
                self.running = False
                return None
        try:
            prepared = await in_unit_of_work(lambda s: service.prepare(s, actor, body), read_only=True)
        except DomainError as error:  # the member left the trainer's list meanwhile
            async with self:
                self.running, self.stage = False, ""
                return rx.toast.error(error.message)

        async def stage(text: str) -> None:
            async with self:
                if self.stage and self.stage != "Starting":
                    self.stages_done = [*self.stages_done, self.stage]
                self.stage = text

        async def look_for_cancel(task: asyncio.Future[Any]) -> None:
            async with self:
                cancelled = self._cancel
            if cancelled and not task.done():
                task.cancel()

        try:
            with service.start(actor) as attempt:
                task = asyncio.ensure_future(
                    generation.generate(
                        prepared.request, prepared.pool, config=prepared.config, on_stage=stage
                    )
                )
                await follow(task, every=POLL_SECONDS, tick=look_for_cancel)
                try:
                    generated = await task
                except asyncio.CancelledError:
                    async with self:
                        self.running, self.stage = False, ""
                        return rx.toast.info(CANCELLED)
                attempt.charge()
            await in_unit_of_work(lambda s: service.log_usage(s, actor, generated))
        except DomainError as error:  # the hourly limit
            async with self:
                self.running, self.stage = False, ""
                return rx.toast.error(error.message)
        async with self:
            self.running, self.open, self.stage = False, False, ""
            planner = await self.get_state(PlannerState)
            if planner.member_id != str(prepared.member_id):  # the planner moved on to another member
                return rx.toast.info(
                    f"The plan for {prepared.member_name} was not opened: another member is open."
                )
            planner._load_generated(
                generated.plan_data,
                title=service.default_title(prepared.request),
                request=input_json(prepared.request),
                record=service.record_of(prepared, generated),
            )
        notice = service.record_of(prepared, generated)["notice"]
        return (
            rx.toast.warning(notice) if notice else rx.toast.success("Plan generated: review it, then save.")
        )
