"""State of a member's profile page: their details, visits, status changes and deletion; what it may
show and do is decided by the members service for the viewer."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

import reflex as rx
from sqlmodel import Session

from thrust.auth.arguments import choice_arg, int_arg
from thrust.auth.guard import requires, signed_in
from thrust.auth.rbac import Actor
from thrust.auth.state import acting_user, user_bound
from thrust.checkins.visit_lines import VisitLine
from thrust.checkins.visits import Visit
from thrust.core.errors import NotFound
from thrust.core.paging import page_count
from thrust.core.reflex_compat import call_handler
from thrust.core.text import initials
from thrust.core.types import utcnow
from thrust.gym.clock import GymClock, gym_clock
from thrust.members import bulk, service
from thrust.members.capabilities import DELETE_MEMBERS, MANAGE_MEMBERSHIPS
from thrust.members.directory_rows import BULK_VERBS, MemberFacts
from thrust.planner.overview import PlanOverview, plan_overview
from thrust.ui import routes
from thrust.ui.feedback import in_unit_of_work, refusals, saved_toast, shows_refusals
from thrust.ui.format import count_label, cue_tone, day_label, minutes_label, relative_time

log = logging.getLogger("thrust.members")


@dataclasses.dataclass
class MemberDetail(MemberFacts):
    """A member's profile as the page words it: the directory's facts and the profile's own."""

    date_of_birth: str = ""
    age: str = ""
    gender: str = ""
    start: str = ""
    ends_in: str = ""  # "331 days left", or the cue when it matters
    member_since: str = ""
    inside_now: bool = False
    visits_30: int = 0
    average_visit: str = ""


@dataclasses.dataclass
class VisitRow(VisitLine):
    """A visit in the profile's table: also its times, and whether the auto check-out closed it."""

    checked_in: str = ""
    checked_out: str = ""
    automatic: bool = False

    @classmethod
    def _columns(cls, visit: Visit, start: datetime, end: datetime | None) -> dict[str, Any]:
        return {
            "checked_in": start.strftime("%H:%M"),
            "checked_out": end.strftime("%H:%M") if end else "",
            "automatic": visit.automatic,
        }


@dataclasses.dataclass
class PlanWeekBar:
    """A week of the active plan: days done of its days."""

    label: str = ""  # "Week 1"
    done: int = 0
    planned: int = 0
    fill: str = "0%"  # the bar's width
    text: str = ""  # "2 of 3 days"


@dataclasses.dataclass
class PlanCard:
    """The member's workout plan as their profile's card words it."""

    has_plan: bool = False
    title: str = ""
    starts: str = ""
    completion: str = ""  # "3 of 12 days done (25%)"
    adherence: str = ""  # "2 of 5 days due so far (40%)", "Nothing due yet"
    weeks: list[PlanWeekBar] = dataclasses.field(default_factory=list)
    other_plans: str = ""  # "1 other plan"
    print_url: str = ""
    planner_url: str = ""  # only for a viewer who edits plans


def _plan_card(overview: PlanOverview) -> PlanCard:
    others = (
        f"{count_label(overview.other_plans, 'other plan')}" if overview.other_plans else "No other plans"
    )
    planner_url = f"{routes.PLANNER}?member={overview.member_id}" if overview.may_edit else ""
    plan, figures = overview.active, overview.completion
    if plan is None or figures is None:
        return PlanCard(other_plans=others, planner_url=planner_url)
    done, planned = figures.completed_days, figures.planned_days
    if figures.due_days is None:
        adherence = "No start date yet"
    elif not figures.due_days:
        adherence = "Nothing due yet"
    else:
        adherence = (
            f"{figures.completed_due_days} of {count_label(figures.due_days, 'day')} due so far "
            f"({figures.adherence_percent}%)"
        )
    return PlanCard(
        has_plan=True,
        title=plan.title,
        starts=day_label(plan.starts_on) if plan.starts_on else "No start date",
        completion=f"{done} of {count_label(planned, 'day')} done ({figures.percent or 0}%)",
        adherence=adherence,
        weeks=[
            PlanWeekBar(
                label=f"Week {week.week_number}",
                done=week.completed_days,
                planned=week.planned_days,
                fill=f"{round(100 * week.completed_days / week.planned_days) if week.planned_days else 0}%",
                text=f"{week.completed_days} of {count_label(week.planned_days, 'day')}",
            )
            for week in figures.weeks
        ],
        other_plans=others,
        print_url=routes.plan_print_url(plan.id),
        planner_url=planner_url,
    )


# A profile as the page shows it: details, a page of visits, how many in all, which page, what the
# viewer may do (edit, edit the membership, delete), and the member's workout plan.
Shown = tuple[MemberDetail, list[VisitRow], int, int, tuple[bool, bool, bool], PlanCard]


def _detail(profile: service.MemberProfile, now: datetime, gym: GymClock, today: date) -> MemberDetail:
    m = profile.member
    age = ""
    if m.date_of_birth:
        years = today.year - m.date_of_birth.year
        years -= (today.month, today.day) < (m.date_of_birth.month, m.date_of_birth.day)
        age = f"{years} years"
    return MemberDetail(
        id=str(m.id),
        name=m.full_name,
        initials=initials(m.full_name),
        email=profile.email,
        phone=m.phone or "",
        date_of_birth=day_label(m.date_of_birth),
        age=age,
        gender=(m.gender or "").capitalize(),
        tier=m.membership_tier.value,
        status=m.status.value,
        start=day_label(m.membership_start),
        end=day_label(m.membership_end),
        cue=profile.membership_cue,
        cue_tone=cue_tone(profile.days_left),
        ends_in=f"{profile.days_left:,} days left" if profile.days_left > 30 else profile.membership_cue,
        trainer=profile.trainer_name or "",
        last_visit=relative_time(m.last_visit_at, now),
        member_since=day_label(gym.local(m.created_at).date()) if m.created_at else "",
        inside_now=profile.inside_now,
        visits_30=profile.visits_last_30_days,
        average_visit=minutes_label(profile.average_visit_minutes) or "No visits yet",
    )


@user_bound
class MemberProfileState(rx.State):
    """One member's page; what it may show and do is decided by the service for the viewer."""

    member: MemberDetail = MemberDetail()
    visits: list[VisitRow] = []
    visits_page: int = 1
    visits_total: int = 0
    can_edit: bool = False
    can_edit_membership: bool = False
    can_delete: bool = False
    plan: PlanCard = PlanCard()
    loaded: bool = False
    loading: bool = False
    error: str = ""

    delete_open: bool = False
    delete_visits: int = 0
    delete_plans: int = 0
    busy: bool = False

    _member_id: str = ""

    @rx.var
    def visits_pages(self) -> int:
        return page_count(self.visits_total, service.VISITS_PAGE_SIZE)

    @rx.var
    def visits_label(self) -> str:
        if not self.visits_total:
            return "No visits recorded"
        first = (self.visits_page - 1) * service.VISITS_PAGE_SIZE + 1
        last = min(self.visits_total, first + len(self.visits) - 1)
        return f"{first:,}–{last:,} of {count_label(self.visits_total, 'visit')}"

    @rx.var
    def delete_summary(self) -> str:
        return (
            f"This permanently deletes their login, {count_label(self.delete_visits, 'visit')} and "
            f"{count_label(self.delete_plans, 'workout plan')}. It cannot be undone."
        )

    async def _fetch(self, actor: Actor, member_id: uuid.UUID, visits_page: int = 1) -> Any:
        def work(session: Session) -> Shown | None:
            try:
                profile = service.get_member_profile(session, actor, member_id, visits_page=visits_page)
            except NotFound:
                return None  # not there, or not one this viewer may see: the page says so, no toast
            gym, now = gym_clock(session), utcnow()
            today = gym.today()
            # The planner's own scope decides what of the member's plans this viewer sees.
            plan = _plan_card(plan_overview(session, actor, member_id))
            return (
                _detail(profile, now, gym, today),
                [VisitRow.of(v, gym) for v in profile.visits],
                profile.visits_total,
                profile.visits_page,
                (profile.can_edit, profile.can_edit_membership, profile.can_delete),
                plan,
            )

        try:
            with refusals(self, message="error", loaded=True, loading=False) as refused:
                shown = await in_unit_of_work(work, read_only=True)
        except Exception:
            log.exception("loading a member profile failed")
            self.error = "This member could not be loaded. Try again in a moment."
            self.loaded, self.loading = True, False
            return None
        if refused:
            return refused.toast
        if shown is None:
            self._show_missing()
            return None
        detail, visits, total, page, rights, plan = shown
        self.member, self.visits, self.visits_total, self.visits_page = detail, visits, total, page
        self.plan = plan
        self.can_edit, self.can_edit_membership, self.can_delete = rights
        self._member_id = detail.id
        self.error, self.loaded, self.loading = "", True, False
        return None

    def _show_missing(self) -> None:
        self.member = MemberDetail()
        self.visits, self.visits_total = [], 0
        self.plan = PlanCard()
        self.can_edit = self.can_edit_membership = self.can_delete = False
        self._member_id = ""
        self.error = "This member does not exist, or is not one you can see."
        self.loaded, self.loading = True, False

    @rx.event
    @signed_in
    async def open_profile(self) -> AsyncIterator[Any]:
        """On load: the member named by the address (the service decides whether the viewer may see it)."""
        actor = await acting_user(self)
        self.delete_open = False
        member_id = routes.member_id_in(self.router.url.path)
        if member_id is None:
            self._show_missing()
            return
        if self._member_id != str(member_id):
            self.loaded = False
            self.member = MemberDetail()
            self.visits = []
        self.loading = True
        yield
        yield await self._fetch(actor, member_id)

    @rx.event
    @signed_in
    async def show_visits_page(self, page: int) -> Any:
        page = int_arg(page, "page", minimum=1, maximum=10_000)
        if not self._member_id:
            return None
        return await self._fetch(
            await acting_user(self), uuid.UUID(self._member_id), min(page, self.visits_pages)
        )

    @rx.event
    @signed_in
    async def refresh(self) -> Any:
        if not self._member_id:
            return None
        return await self._fetch(await acting_user(self), uuid.UUID(self._member_id), self.visits_page)

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    @shows_refusals()
    async def change_status(self, action: str) -> Any:
        """Activate, deactivate or freeze this member (admins: the business side of a membership)."""
        action = choice_arg(action, "action", tuple(BULK_VERBS))
        if not self._member_id:
            return None
        actor = await acting_user(self)
        member_id = uuid.UUID(self._member_id)
        status = bulk.STATUS_FOR[bulk.BulkAction(action)]
        await in_unit_of_work(
            lambda session: service.update_member(session, actor, member_id, {"status": status.value})
        )
        self.delete_open = False
        await self._fetch(actor, member_id, self.visits_page)
        return saved_toast(f"{self.member.name} is now {status.value.lower()}")

    @rx.event
    @requires(*DELETE_MEMBERS)
    @shows_refusals()
    async def ask_delete(self) -> Any:
        if not self._member_id:
            return None
        actor = await acting_user(self)
        member_id = uuid.UUID(self._member_id)
        impact = await in_unit_of_work(
            lambda session: service.deletion_impact(session, actor, member_id), read_only=True
        )
        self.delete_visits, self.delete_plans = impact.visits, impact.workout_plans
        self.delete_open = True
        return None

    @rx.event
    @requires(*DELETE_MEMBERS)
    def cancel_delete(self) -> None:
        self.delete_open = False

    @rx.event
    @requires(*MANAGE_MEMBERSHIPS)
    async def deactivate_instead(self) -> Any:
        self.delete_open = False
        return await call_handler(MemberProfileState.change_status, self, "deactivate")

    @rx.event
    @requires(*DELETE_MEMBERS)
    @shows_refusals()
    async def confirm_delete(self) -> Any:
        if not self._member_id or not self.delete_open:
            return None
        actor = await acting_user(self)
        member_id = uuid.UUID(self._member_id)
        name = self.member.name
        await in_unit_of_work(lambda session: service.delete_member(session, actor, member_id))
        self.reset()
        return [saved_toast(f"Deleted {name}"), rx.redirect(routes.MEMBERS)]
