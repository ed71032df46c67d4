"""The settings page: gym, profile, password and staff."""

from __future__ import annotations

import reflex as rx

from thrust.ui.shell import coming_soon, template


@template("Settings")
def settings_page() -> rx.Component:
    return coming_soon(
        "settings",
        "Settings",
        "Your gym's name, capacity, timezone and opening hours; your own profile and password; your staff.",
        [
            "Gym: name, maximum capacity, timezone, auto check-out, opening hours",
            "Profile and password",
            "Staff accounts for trainers and admins",
        ],
    )
