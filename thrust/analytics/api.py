"""Analytics routes: occupancy history, the dashboard's cards, today over the typical day, the heatmap,
visit lengths and tiers, the forecast and members at risk. Thin: each calls one service function."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Query, Request, Response

from thrust.analytics import service
from thrust.analytics.buckets import BucketSize
from thrust.analytics.public import public_occupancy
from thrust.analytics.schemas import (
    AtRiskListOut,
    AtRiskMeta,
    AtRiskOut,
    BucketOut,
    ExpectedOut,
    ForecastOut,
    HeatmapOut,
    HistoryMeta,
    HistoryOut,
    HourOut,
    LengthBinOut,
    MixOut,
    PublicOccupancyOut,
    SummaryOut,
    TodayOut,
)
from thrust.auth.deps import CurrentActor, SessionDep, authenticated_router, public_router
from thrust.checkins.service import current_capacity
from thrust.core.client_address import client_ip
from thrust.core.http import documented
from thrust.core.schemas import Data, Day

router = authenticated_router(tags=["analytics"])
public = public_router(tags=["analytics"])
history_router = authenticated_router(tags=["check-ins"])

From = Annotated[Day | None, Query(alias="from", description="The first day, in the gym's calendar")]
To = Annotated[Day | None, Query(alias="to", description="The last day (included)")]


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


@history_router.get("/check-ins/history", **documented("Occupancy over time", HistoryOut, 400))
def history(
    actor: CurrentActor,
    session: SessionDep,
    first: From = None,
    last: To = None,
    bucket: Annotated[BucketSize, Query(description="hour (up to 31 days), day or week")] = BucketSize.HOUR,
) -> HistoryOut:
    """Check-ins, average and peak occupancy per hour, day or week of the gym's calendar (today by
    hour by default). A day with a clock change has 23 or 25 hours. No names: anyone signed in.
    `from` must not be after `to`; a range covers at most 31 days by hour, 366 by day, 1098 by week."""
    found = service.history(session, actor, first=first, last=last, bucket=bucket)
    zone = ZoneInfo(found.timezone)
    return HistoryOut(
        data=[
            BucketOut(
                start=_local(p.span.start, zone),
                check_ins=p.check_ins,
                average_occupancy=p.average,
                peak_occupancy=p.peak,
            )
            for p in found.points
        ],
        meta=HistoryMeta.model_validate(
            {"from": found.first, "to": found.last, "bucket": found.bucket.value, "timezone": found.timezone}
        ),
    )


@router.get("/analytics/summary", response_model=Data[SummaryOut], summary="The dashboard's cards")
def summary(actor: CurrentActor, session: SessionDep) -> Data[SummaryOut]:
    """Members by status, visits today against the same weekday last week, who is inside, memberships
    ending soon, new members and the average visit: all members for admins, a trainer's own for trainers."""
    cards = service.summary(session, actor)
    capacity = current_capacity(session)
    return Data(
        data=SummaryOut(
            active_members=cards.active,
            frozen_members=cards.frozen,
            inactive_members=cards.inactive,
            visits_today=cards.visits_today,
            visits_same_day_last_week=cards.visits_last_week,
            inside_now=capacity.current,
            capacity=capacity.max,
            expiring_in7_days=cards.expiring_7,
            expiring_in30_days=cards.expiring_30,
            new_members_this_month=cards.new_this_month,
            average_visit_minutes=cards.average_visit_minutes,
        )
    )


@router.get("/analytics/today", response_model=Data[TodayOut], summary="A day over its typical curve")
def today(
    actor: CurrentActor,
    session: SessionDep,
    day: Annotated[Day | None, Query(description="Today by default")] = None,
) -> Data[TodayOut]:
    """Occupancy by hour of a day, with the median of the same hour on the last 8 same weekdays."""
    found = service.today(session, actor, day=day)
    hours = [
        HourOut(
            start=h.span.local,
            average_occupancy=h.average,
            peak_occupancy=h.peak,
            check_ins=h.check_ins,
            typical_occupancy=h.typical,
        )
        for h in found.hours
    ]
    return Data(data=TodayOut(day=found.day, capacity=found.capacity, hours=hours))


@router.get("/analytics/heatmap", response_model=Data[HeatmapOut], summary="Weekday x hour occupancy")
def heatmap(
    actor: CurrentActor,
    session: SessionDep,
    weeks: Annotated[int, Query(ge=1, le=service.MAX_HEATMAP_WEEKS)] = 8,
) -> Data[HeatmapOut]:
    """Average occupancy per weekday and hour over the last weeks; the busiest and quietest open hours."""
    found = service.heatmap(session, actor, weeks=weeks)
    return Data(
        data=HeatmapOut(weeks=found.weeks, cells=found.cells, busiest=found.busiest, quietest=found.quietest)
    )


@router.get("/analytics/visits", **documented("Visit lengths and tiers", Data[MixOut], 400))
def visits(actor: CurrentActor, session: SessionDep, first: From = None, last: To = None) -> Data[MixOut]:
    """How long visits lasted, and which membership tiers they came from (the last 30 days by default).
    `from` must not be after `to`, and the range covers at most 366 days."""
    found = service.visit_mix(session, actor, first=first, last=last)
    return Data(
        data=MixOut.model_validate(
            {
                "from": found.first,
                "to": found.last,
                "lengths": [LengthBinOut(label=b.label, visits=b.visits) for b in found.lengths],
                "tiers": {tier.value: count for tier, count in found.tiers.items()},
            }
        )
    )


@router.get("/analytics/forecast", response_model=Data[ForecastOut], summary="The rest of today")
def forecast(actor: CurrentActor, session: SessionDep) -> Data[ForecastOut]:
    """How busy the gym is now and is expected to be for the rest of the day, with a hint in words."""
    found = service.forecast(session, actor)
    percent = round(100 * found.current / found.capacity) if found.capacity else 0
    hours = [ExpectedOut(start=e.span.local, people=e.people) for e in found.hours]
    return Data(
        data=ForecastOut(
            current=found.current, capacity=found.capacity, percent=percent, hint=found.hint, hours=hours
        )
    )


@router.get("/analytics/at-risk", response_model=AtRiskListOut, summary="Members at risk")
def at_risk(
    actor: CurrentActor, session: SessionDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> AtRiskListOut:
    """Active members whose visits of the last 14 days fell below half of their usual rhythm (the 8 weeks
    before), the most recent drop first. A trainer sees their assigned members only."""
    found = service.members_at_risk(session, actor, limit=limit)
    return AtRiskListOut(
        data=[AtRiskOut.model_validate(m) for m in found.members],
        meta=AtRiskMeta(total=found.total),
    )


@public.get(
    "/public/occupancy",
    **documented(
        "How busy the gym is now (public, when the gym switches it on)", Data[PublicOccupancyOut], 404, 429
    ),
)
def public_occupancy_now(
    request: Request, response: Response, session: SessionDep
) -> Data[PublicOccupancyOut]:
    """No session, no cookies, no personal data: a percentage, a band, a trend and the next hours.
    404 while the gym keeps it to itself (Settings > Gym); rate-limited per address; cacheable for 30 s."""
    found = public_occupancy(session, ip=client_ip(request))
    response.headers["Cache-Control"] = "public, max-age=30"
    return Data(data=PublicOccupancyOut.model_validate(found, from_attributes=True))
