"""Badges every page shares: a member's tier and status, a staff account's role and state, counts."""

from __future__ import annotations

from typing import Any

import reflex as rx

TIER_LABELS = {"BASIC": "Basic", "PREMIUM": "Premium", "VIP": "VIP"}
STATUS_LABELS = {"ACTIVE": "Active", "INACTIVE": "Inactive", "FROZEN": "Frozen"}


def _badge(
    icon: str | None, label: Any, color: Any, size: str, variant: str = "soft", **props: Any
) -> rx.Component:
    return rx.badge(
        *([rx.icon(icon, size=12)] if icon else []),
        label,
        color_scheme=color,
        variant=variant,
        size=size,
        **props,
    )


def tier_badge(tier: rx.Var, size: str = "1") -> rx.Component:
    """A member's tier: VIP (crown, amber), Premium (gem, iris), Basic (gray)."""
    return rx.match(
        tier,
        ("VIP", _badge("crown", "VIP", "amber", size)),
        ("PREMIUM", _badge("gem", "Premium", "iris", size)),
        _badge(None, "Basic", "gray", size),
    )


def status_badge(status: rx.Var, size: str = "1") -> rx.Component:
    """A member's status: Active (green), Frozen (cyan), Inactive (gray outline)."""
    return rx.match(
        status,
        ("ACTIVE", _badge("circle-check", "Active", "green", size)),
        ("FROZEN", _badge("snowflake", "Frozen", "cyan", size)),
        _badge("circle-pause", "Inactive", "gray", size, variant="outline"),
    )


def role_badge(role: rx.Var, size: str = "1") -> rx.Component:
    """A staff account's role: Admin (orange) or Trainer (blue)."""
    admin = role == "ADMIN"
    return _badge(None, rx.cond(admin, "Admin", "Trainer"), rx.cond(admin, "orange", "blue"), size)


def active_badge(active: rx.Var, size: str = "1") -> rx.Component:
    """Whether an account may sign in: Active (green) or Deactivated (gray)."""
    return rx.cond(
        active,
        _badge("circle-check", "Active", "green", size),
        _badge("circle-pause", "Deactivated", "gray", size),
    )


def count_badge(count: Any, **props: Any) -> rx.Component:
    """A round number next to a heading ("Inside now 12")."""
    return rx.badge(count, variant="soft", radius="full", **props)


def dot_pill(label: Any, color: str, *, dot_class: str = "") -> rx.Component:
    """A rounded label led by a coloured dot ("● Live"); `dot_class` animates the dot."""
    return rx.hstack(
        rx.box(
            width="0.5rem",
            height="0.5rem",
            border_radius="50%",
            background=f"var(--{color}-9)",
            class_name=dot_class,
        ),
        rx.text(label, size="1", weight="medium", color=f"var(--{color}-11)"),
        align="center",
        spacing="2",
        padding="0.2rem 0.6rem",
        border_radius="999px",
        background=f"var(--{color}-a3)",
    )


def outcome_badge(label: Any, key: Any, colors: dict[str, str], default: str = "gray") -> rx.Component:
    """A soft badge coloured by a run's or a send's outcome: `colors` maps `key` ("ok", "failed"…) to
    a Radix colour; anything else is `default`."""
    return rx.badge(label, color_scheme=rx.match(key, *colors.items(), default), variant="soft")
