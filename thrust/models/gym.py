"""The gym's own settings: one row, with its opening hours."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from thrust.core.types import JSONDocument
from thrust.models.columns import flag, updated


def default_opening_hours() -> dict[str, list[str] | None]:
    """Mon–Fri 05:30–23:00, weekends 07:00–21:00; a day set to None is closed."""
    weekday, weekend = ["05:30", "23:00"], ["07:00", "21:00"]
    return {
        "mon": weekday,
        "tue": weekday,
        "wed": weekday,
        "thu": weekday,
        "fri": weekday,
        "sat": weekend,
        "sun": weekend,
    }


class GymSettings(SQLModel, table=True):
    """The gym's own settings: a single row (id 1)."""

    __tablename__ = "gym_settings"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="gym_settings_single_row"),
        sa.CheckConstraint("max_capacity > 0", name="gym_settings_capacity_positive"),
        sa.CheckConstraint(
            "auto_checkout_hours >= 1 AND auto_checkout_hours <= 24",
            name="gym_settings_auto_checkout_range",
        ),
    )

    id: int = Field(default=1, sa_column=sa.Column(sa.Integer(), primary_key=True, autoincrement=False))
    name: str = Field(default="THRUST Gym", sa_column=sa.Column(sa.String(120), nullable=False))
    max_capacity: int = Field(
        default=100, sa_column=sa.Column(sa.Integer(), nullable=False, server_default="100")
    )
    timezone: str = Field(
        default="UTC",
        sa_column=sa.Column(sa.String(64), nullable=False, server_default="UTC"),
        description="IANA zone for opening hours and daily charts, e.g. Europe/Berlin.",
    )
    auto_checkout_hours: int = Field(
        default=4,
        sa_column=sa.Column(sa.Integer(), nullable=False, server_default="4"),
        description="Visits open longer than this are closed by the hourly job.",
    )
    opening_hours: dict[str, Any] = Field(
        default_factory=default_opening_hours,
        sa_column=sa.Column(JSONDocument, nullable=False),
        description='{"mon": ["05:30", "23:00"], ..., "sun": null}',
    )
    public_occupancy: bool = flag(
        False, "Whether /busy and GET /api/v1/public/occupancy tell anyone how busy the gym is."
    )
    ai_requires_approval: bool = flag(
        False, "Whether a member sees an AI-generated plan only once a trainer approved it."
    )
    ai_monthly_budget_usd: float | None = Field(
        default=None,
        sa_column=sa.Column(sa.Float(), nullable=True),
        description="Estimated model cost per calendar month after which generation uses the offline "
        "planner; None: no budget.",
    )
    updated_at: datetime = updated()
