"""The members directory."""

from __future__ import annotations

import reflex as rx

from thrust.ui.shell import coming_soon, template


@template("Members")
def members_page() -> rx.Component:
    return coming_soon(
        "users",
        "Members",
        "Find any member in milliseconds and manage their membership.",
        [
            "Search by name, email or phone as you type",
            "Filter by status, tier, trainer and expiring memberships",
            "Bulk activate, deactivate or freeze; CSV export and import",
        ],
    )
