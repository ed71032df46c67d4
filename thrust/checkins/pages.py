"""The front desk and live traffic pages."""

from __future__ import annotations

import reflex as rx

from thrust.ui.shell import coming_soon, template


@template("Front desk")
def front_desk_page() -> rx.Component:
    return coming_soon(
        "scan-line",
        "Front desk",
        "Check members in and out from the keyboard, with a plain reason when someone can't enter.",
        [
            "One search box: name, phone, email or member id",
            "Enter checks in; a member who is inside gets Check out",
            "Capacity that never overflows, with a recorded admin override",
        ],
    )


@template("Live traffic")
def live_page() -> rx.Component:
    return coming_soon(
        "activity",
        "Live traffic",
        "Who is in the gym right now, updated on every open screen without a reload.",
        [
            "Occupancy against your maximum capacity",
            "The latest check-ins and check-outs",
            "Who is inside now and for how long",
        ],
    )
