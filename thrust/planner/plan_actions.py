"""The planner's actions on the plan being written: save it (a generated draft with its record), go back
to the saved version, take another trainer's newer one after a conflict, make it the member's active
plan, delete it, keep it as a template. The plan itself lives in PlannerState; these handlers change it
through its own helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.arguments import bool_arg
from thrust.auth.guard import requires
from thrust.auth.rbac import Actor
from thrust.auth.state import acting_user, user_bound
from thrust.core.errors import Conflict, DomainError
from thrust.planner import editing, editor_io
from thrust.planner.capabilities import BUILD_PLANS, EDIT_PLANS
from thrust.planner.editor_state import PlannerState
from thrust.ui.feedback import error_toast, in_unit_of_work, refusals, saved_toast, shows_refusals


@user_bound
class PlanActionsState(rx.State):
    """No vars of its own: the plan's are PlannerState's."""

    async def _change(self, change: Callable[[Session, Actor, str], Any]) -> PlannerState | None:
        """Run `change` on the open plan in one unit of work and return the planner's state; None when no
        plan is open (nothing to change). A refusal raises: the handler's `shows_refusals` shows it."""
        p = await self.get_state(PlannerState)
        if not p.plan_id:
            return None
        actor, plan_id = await acting_user(self), p.plan_id
        await in_unit_of_work(lambda s: change(s, actor, plan_id))
        return p

    @rx.event
    @requires(*BUILD_PLANS)
    async def save(self) -> Any:
        p = await self.get_state(PlannerState)
        if not p.editing or p.saving:
            return None
        actor = await acting_user(self)
        p.saving = True
        plan_id, member_id, version, title = p.plan_id, p.member_id, p.version, p.title
        starts_on, document, make_active = p.starts_on, p._doc, p.make_active
        generated = p._generated if not plan_id else None

        def work(session: Any) -> tuple[str, int, str]:
            if generated is not None:  # a new plan the AI planner wrote: kept with its request and record
                return editor_io.save_generated(
                    session,
                    actor,
                    member_id=member_id,
                    title=title,
                    starts_on=starts_on,
                    document=document,
                    make_active=make_active,
                    generated=generated,
                )
            return editor_io.save_plan(
                session,
                actor,
                plan_id=plan_id,
                member_id=member_id,
                version=version,
                title=title,
                starts_on=starts_on,
                document=document,
                make_active=make_active,
            )

        try:
            plan_id, version, at = await in_unit_of_work(work)
        except Conflict as error:
            p.saving, p.conflict = False, error.message
            return rx.toast.error(error.message)
        except DomainError as error:
            p.saving = False
            p._server_messages = editing.messages_by_place(error.details)
            p._refresh()
            return error_toast(error)
        p.saving = False
        await p._reload_plans()
        await p._open(plan_id)
        p.status = f"Saved at {at} · version {version}"
        return saved_toast("Plan saved")

    @rx.event
    @requires(*BUILD_PLANS)
    async def discard_changes(self) -> Any:
        """Back to the plan as saved (a new plan: dropped)."""
        p = await self.get_state(PlannerState)
        p.dirty = False
        if p.plan_id:
            return await p._open(p.plan_id)
        p.editing = False
        return None

    @rx.event
    @requires(*BUILD_PLANS)
    async def reload_latest(self) -> Any:
        """After a conflict: the plan as the other trainer saved it (this page's changes are dropped)."""
        p = await self.get_state(PlannerState)
        p.dirty, p.conflict = False, ""
        return await p._open(p.plan_id)

    @rx.event
    @requires(*BUILD_PLANS)
    @shows_refusals()
    async def set_active(self, value: bool) -> Any:
        p = await self.get_state(PlannerState)
        active = bool_arg(value, "active")
        if not p.plan_id:  # a new plan: the choice is saved with it
            p.make_active = active
            return None
        await self._change(lambda s, actor, plan_id: editor_io.set_active(s, actor, plan_id, active))
        p.is_active = active
        await p._reload_plans()
        return saved_toast("This is now the member's active plan" if active else "Plan deactivated")

    @rx.event
    @requires(*BUILD_PLANS)
    @shows_refusals()
    async def delete_plan(self) -> Any:
        p = await self._change(editor_io.delete_plan)
        if p is None:
            return None
        p.editing, p.dirty, p.plan_id = False, False, ""
        await p._reload_plans()
        return saved_toast("Plan deleted")

    @rx.event
    @requires(*BUILD_PLANS)
    async def save_as_template(self) -> Any:
        p = await self.get_state(PlannerState)
        actor, title, document = await acting_user(self), p.title, p._doc
        with refusals(p) as refused:
            await in_unit_of_work(lambda s: editor_io.save_template(s, actor, title, document))
        if refused:
            return refused.toast
        p.templates = await in_unit_of_work(lambda s: editor_io.template_choices(s, actor), read_only=True)
        return saved_toast(f"Saved as the template “{title}”")

    @rx.event
    @requires(*EDIT_PLANS)
    @shows_refusals()
    async def approve(self) -> Any:
        """Let the member see a generated plan (the gym asks a trainer to approve them first)."""
        p = await self._change(editor_io.approve_plan)
        if p is None:
            return None
        await p._open(p.plan_id)
        return saved_toast("Approved: the member sees this plan now")
