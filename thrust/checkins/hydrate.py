"""Before a hydrate, a live page's stored state catches up with its worker's newest read.

Push rounds reach the pages over their sockets without saving each client's state
(thrust/checkins/live.py), so a stored state may hold an older number than its page shows. A hydrate
(a reload, a reconnect) sends the whole stored state: this middleware, after the auth middleware has
checked who the socket belongs to, brings the live parts up to date first (`refresh_before_hydrate`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx

from thrust.checkins.state import refresh_before_hydrate
from thrust.core.reflex_compat import HYDRATE_HANDLERS

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState, StateUpdate
    from reflex_base.event import Event


class LiveHydrate(rx.Middleware):
    """Refreshes the live states before a hydrate (see the module docstring)."""

    async def preprocess(self, app: App, state: BaseState, event: Event) -> StateUpdate | None:
        if event.name in HYDRATE_HANDLERS:
            await refresh_before_hydrate(state)
        return None
