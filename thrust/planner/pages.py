"""The AI workout planner."""

from __future__ import annotations

import reflex as rx

from thrust.ui import routes
from thrust.ui.cards import coming_soon
from thrust.ui.pages import page
from thrust.ui.registry import SIGNED_IN, Nav


@page(routes.PLANNER, "AI planner", needs=SIGNED_IN, nav=Nav(5, "sparkles"))
def planner_page() -> rx.Component:
    return coming_soon(
        "sparkles",
        "AI planner",
        "Trainers build four-week workout plans for their members and follow their progress.",
        [
            "Plans from goals, level, days per week and equipment",
            "Works offline with a rule-based planner, or with your own AI endpoint",
            "Members see their own plan and tick off finished days",
        ],
    )
