"""State of the app shell: the gym's name in the header (public, like a sign over the door)."""

from __future__ import annotations

import asyncio

import reflex as rx

from thrust.auth.policy import public_event
from thrust.core.db import session_scope
from thrust.gym import service as gym_service


def _read_gym_name() -> str:
    with session_scope(read_only=True) as session:
        return gym_service.gym_name(session)


class ShellState(rx.State):
    """The chrome around every page."""

    gym_name: str = "THRUST"

    @rx.event
    @public_event
    async def load_shell(self) -> None:
        """Load the gym's name for the header (a DB read, so off the event loop)."""
        self.gym_name = await asyncio.to_thread(_read_gym_name)
