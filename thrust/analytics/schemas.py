"""The analytics API's bodies, in the seed's envelope (camelCase on the wire)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from thrust.core.schemas import ApiModel


class BucketOut(ApiModel):
    start: datetime = Field(description="The bucket's start, in the gym's timezone (with its offset)")
    check_ins: int
    average_occupancy: float | None = Field(description="People inside on average; null before it began")
    peak_occupancy: int | None = Field(description="Most people inside at once; null before it began")


class HistoryMeta(ApiModel):
    from_: date = Field(alias="from")
    to: date
    bucket: str
    timezone: str


class HistoryOut(ApiModel):
    data: list[BucketOut]
    meta: HistoryMeta


class SummaryOut(ApiModel):
    active_members: int
    frozen_members: int
    inactive_members: int
    visits_today: int
    visits_same_day_last_week: int = Field(description="The same weekday a week ago, up to the same time")
    inside_now: int
    capacity: int
    expiring_in7_days: int
    expiring_in30_days: int
    new_members_this_month: int
    average_visit_minutes: float | None = Field(description="Finished visits of the last 30 days")


class HourOut(ApiModel):
    start: datetime
    average_occupancy: float | None
    peak_occupancy: int | None
    check_ins: int
    typical_occupancy: float | None = Field(description="The median of this hour on the last 8 same weekdays")


class TodayOut(ApiModel):
    day: date
    capacity: int
    hours: list[HourOut]


class HeatmapOut(ApiModel):
    weeks: int
    cells: list[list[float | None]] = Field(description="[weekday 0 = Monday][hour 0-23]: people on average")
    busiest: list[str]
    quietest: list[str]


class LengthBinOut(ApiModel):
    label: str
    visits: int


class MixOut(ApiModel):
    from_: date = Field(alias="from")
    to: date
    lengths: list[LengthBinOut]
    tiers: dict[str, int]


class ExpectedOut(ApiModel):
    start: datetime
    people: float


class ForecastOut(ApiModel):
    current: int
    capacity: int
    percent: int
    hint: str = Field(description='e.g. "Quieter after 15:00"; empty without history')
    hours: list[ExpectedOut]


class AtRiskOut(ApiModel):
    member_id: uuid.UUID
    name: str
    usual_visits: float = Field(description="Visits per 14 days over the previous 8 weeks")
    recent_visits: int = Field(description="Visits in the last 14 days")
    last_visit: datetime


class AtRiskMeta(ApiModel):
    total: int


class AtRiskListOut(ApiModel):
    data: list[AtRiskOut]
    meta: AtRiskMeta


class PublicHourOut(ApiModel):
    start: datetime = Field(description="The hour's start, in the gym's timezone")
    percent: int = Field(description="Expected fullness, in percent of the capacity")


class PublicOccupancyOut(ApiModel):
    gym_name: str
    percent: int = Field(description="How full the gym is now, in percent of its capacity")
    band: str = Field(description="quiet (below 70 %), busy, or full (from 90 %)")
    trend: str = Field(description="filling up, emptying or steady (against half an hour ago)")
    hint: str = Field(description='e.g. "Quieter after 15:00"; empty without history')
    hours: list[PublicHourOut] = Field(description="The next hours' forecast")
    at: datetime
