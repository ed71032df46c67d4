"""Saving the gym's settings from a Settings tab (the Gym tab and the AI planner tab both change some)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from thrust.auth.state import acting_user
from thrust.gym.service import update_gym
from thrust.models import GymSettings
from thrust.ui.feedback import in_unit_of_work


async def save_gym_settings(state: rx.State, **changes: Any) -> GymSettings:
    """Save `changes` (`update_gym`'s keywords) as the signed-in user, in one unit of work, and return
    the settings as saved. The service checks the user may; its refusal raises (`shows_refusals`)."""
    actor = await acting_user(state)
    return await in_unit_of_work(lambda session: update_gym(session, actor, **changes))
