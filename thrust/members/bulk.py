"""Bulk actions on members: activate, deactivate or freeze a selection or everyone a filter matches."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col

from thrust.auth.rbac import Actor, require
from thrust.auth.sessions import RevokeReason, revoke_sessions_of
from thrust.core.db import rows_changed
from thrust.core.errors import ValidationFailed
from thrust.core.types import utcnow
from thrust.gym import clock
from thrust.members.capabilities import MANAGE_MEMBERSHIPS
from thrust.members.search import MemberFilters, matching, visible_to
from thrust.members.service import SIGNED_OUT_STATUSES
from thrust.models import Member, MemberStatus

MAX_SELECTED = 1_000  # an explicit selection is a page's rows; larger sets go by filter


class BulkAction(StrEnum):
    ACTIVATE = "activate"
    DEACTIVATE = "deactivate"
    FREEZE = "freeze"


STATUS_FOR = {
    BulkAction.ACTIVATE: MemberStatus.ACTIVE,
    BulkAction.DEACTIVATE: MemberStatus.INACTIVE,
    BulkAction.FREEZE: MemberStatus.FROZEN,
}


def parse_action(value: object) -> BulkAction:
    try:
        return BulkAction(str(value).lower()) if isinstance(value, str) else BulkAction("")
    except ValueError:
        raise ValidationFailed.on("action", "Action must be activate, deactivate or freeze") from None


def parse_ids(values: object) -> list[uuid.UUID]:
    if not isinstance(values, list | tuple) or len(values) > MAX_SELECTED:
        raise ValidationFailed.on("memberIds", f"Select between 1 and {MAX_SELECTED} members")
    try:
        return [uuid.UUID(str(v)) for v in values if isinstance(v, str | uuid.UUID)]
    except ValueError:
        raise ValidationFailed.on("memberIds", "A selected member id is not valid") from None


def count_targets(
    session: Session,
    actor: Actor,
    *,
    member_ids: Sequence[uuid.UUID] | None = None,
    filters: MemberFilters | None = None,
) -> int:
    """How many members an action would touch (the confirmation dialog shows it)."""
    require(actor, *MANAGE_MEMBERSHIPS)
    where = _where(session, actor, member_ids, filters)
    return int(session.execute(sa.select(sa.func.count()).select_from(Member).where(*where)).scalar_one())


def apply_bulk_action(
    session: Session,
    actor: Actor,
    action: BulkAction,
    *,
    member_ids: Sequence[uuid.UUID] | None = None,
    filters: MemberFilters | None = None,
) -> int:
    """Set the status of the selected (or all matching) members in one statement; returns how many.

    Status belongs to the business side: admins only (trainers may not change it, per the seed).
    Members frozen or deactivated here are signed out everywhere, like by a single edit.
    """
    require(actor, *MANAGE_MEMBERSHIPS)
    where = _where(session, actor, member_ids, filters)
    status = STATUS_FOR[action]
    if status in SIGNED_OUT_STATUSES:
        # Before the update: afterwards the filter (e.g. status=ACTIVE) may no longer match them.
        # Only those whose status changes: re-freezing a frozen member ends nothing new.
        changing = sa.select(col(Member.user_id)).where(*where, col(Member.status) != status)
        revoke_sessions_of(session, changing, reason=RevokeReason.MEMBERSHIP_STOPPED)
    return rows_changed(
        session.execute(sa.update(Member).where(*where).values(status=status, updated_at=utcnow()))
    )


def _where(
    session: Session,
    actor: Actor,
    member_ids: Sequence[uuid.UUID] | None,
    filters: MemberFilters | None,
) -> list[sa.ColumnElement[bool]]:
    if (member_ids is None) == (filters is None):
        raise ValidationFailed.on("memberIds", "Choose members, or a filter that matches them")
    if member_ids is not None:
        if not 0 < len(member_ids) <= MAX_SELECTED:
            raise ValidationFailed.on("memberIds", f"Select between 1 and {MAX_SELECTED} members")
        return [visible_to(actor), Member.id.in_(list(member_ids))]  # type: ignore[attr-defined]
    assert filters is not None
    return [visible_to(actor), *matching(filters, clock.today(session))]
