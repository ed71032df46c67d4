"""A page that asks again on its own: an event sent every so many seconds while the page is in view."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import no_args_event_spec


class Every(rx.Fragment):
    """Renders nothing; sends `on_tick` every `interval` milliseconds while the tab is visible (a tab in
    the background asks nothing: its numbers are read again when it ticks after coming back)."""

    interval: rx.Var[int]
    # Reflex reads the event's arguments from this annotation (none); mypy cannot type it.
    on_tick: rx.EventHandler[no_args_event_spec]  # type: ignore[type-arg, valid-type]

    def add_imports(self) -> dict[str, Any]:
        return {"react": [rx.ImportVar(tag="useEffect")]}

    def add_hooks(self) -> list[str | rx.Var]:
        tick = rx.Var.create(self.event_triggers["on_tick"])
        code = (
            "useEffect(() => { const timer = setInterval(() => { "
            f"if (document.visibilityState === 'visible') ({tick!s})(); }}, {self.interval!s}); "
            "return () => clearInterval(timer); }, [])"
        )
        return [rx.Var(code, _var_data=tick._get_all_var_data())]

    def _exclude_props(self) -> list[str]:
        return [*super()._exclude_props(), "interval", "on_tick"]


def every(seconds: int, event: Any) -> rx.Component:
    """Send `event` (a handler of a state) every `seconds` while the page is open and in view."""
    return Every.create(interval=seconds * 1000, on_tick=event)
