"""Check-in routes: list visits, check in, check out, current capacity (the history: analytics/api.py)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query

from thrust.auth.deps import CurrentActor, SessionDep, authenticated_router
from thrust.checkins import service, visits
from thrust.checkins.schemas import (
    CapacityMeta,
    CapacityOut,
    CheckInIn,
    CheckOutIn,
    CurrentOut,
    MonthOfVisitsOut,
    Pagination,
    VisitListOut,
    VisitOut,
    VisitWithCapacityOut,
)
from thrust.core.http import documented
from thrust.core.schemas import Data, Id, Moment
from thrust.models import CheckIn

router = authenticated_router(tags=["check-ins"])


def _visit(visit: CheckIn, member_name: str) -> VisitOut:
    return VisitOut(
        id=visit.id,
        member_id=visit.member_id,
        member_name=member_name,
        check_in_time=visit.check_in_time,
        check_out_time=visit.check_out_time,
        auto_checked_out=visit.auto_checked_out,
        override_reason=visit.override_reason,
    )


def _visit_out(result: service.CheckInResult) -> VisitWithCapacityOut:
    return VisitWithCapacityOut(
        data=_visit(result.visit, result.member_name),
        meta=CapacityMeta(capacity=CapacityOut(current=result.capacity.current, max=result.capacity.max)),
    )


@router.get("/check-ins", response_model=VisitListOut, summary="List visits, newest first")
def list_check_ins(
    actor: CurrentActor,
    session: SessionDep,
    member_id: Annotated[Id | None, Query(alias="memberId")] = None,
    since: Annotated[Moment | None, Query(description="RFC 3339 time with its offset, inclusive")] = None,
    until: Annotated[Moment | None, Query(description="RFC 3339 time with its offset, exclusive")] = None,
    open_only: Annotated[bool, Query(alias="open", description="only visits still open")] = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> VisitListOut:
    """Staff see every visit; a member only their own."""
    rows, total = visits.list_visits(
        session,
        actor,
        member_id=member_id,
        since=since,
        until=until,
        open_only=open_only,
        page=page,
        limit=limit,
    )
    return VisitListOut(
        data=[_visit(visit, name) for visit, name in rows],
        pagination=Pagination.of(total, page, limit),
    )


@router.post("/check-ins", status_code=201, **documented("Check a member in", VisitWithCapacityOut, 404, 409))
def check_in(body: CheckInIn, actor: CurrentActor, session: SessionDep) -> VisitWithCapacityOut:
    """Refused with a plain reason (409) for inactive, frozen or expired memberships, a member already
    inside, or a full gym (an ADMIN may pass `overrideReason`)."""
    result = service.check_in(session, actor, body.member_id, override_reason=body.override_reason)
    return _visit_out(result)


@router.patch("/check-ins/{visit_id:uuid}", **documented("Check a visit out", VisitWithCapacityOut, 409))
def check_out(
    visit_id: uuid.UUID, actor: CurrentActor, session: SessionDep, body: CheckOutIn | None = None
) -> VisitWithCapacityOut:
    """Close the visit; checking out a visit that is already closed is a 409."""
    return _visit_out(service.check_out(session, actor, visit_id))


@router.get("/check-ins/mine", **documented("Your own visits this month", Data[MonthOfVisitsOut], 404))
def my_visits(actor: CurrentActor, session: SessionDep) -> Data[MonthOfVisitsOut]:
    """The visits of the member linked to your account since the 1st of this month (the gym's calendar),
    newest first: never anyone else's, whatever your role. 404 when no membership is linked to you."""
    month = visits.my_visits_this_month(session, actor)
    return Data(
        data=MonthOfVisitsOut.model_validate(
            {
                "from": month.first,
                "to": month.last,
                "count": month.count,
                "minutes": month.minutes,
                "visits": month.visits,
            }
        )
    )


@router.get("/check-ins/current", response_model=Data[CurrentOut], summary="Occupancy now")
def current(actor: CurrentActor, session: SessionDep) -> Data[CurrentOut]:
    """People inside now against the gym's maximum capacity (any signed-in user)."""
    capacity = service.occupancy(session, actor)
    return Data(data=CurrentOut(current=capacity.current, max=capacity.max, percent=capacity.percent))
