"""Default deny for the Reflex socket: every event is checked against its handler's policy first.

Reflex lets any connected client call any handler of any state with any arguments. This middleware
runs before every event (also server-chained ones) under the state lock:
- public handlers (Reflex's hydrate/page-load plumbing, `@public_event`) always run; before a hydrate
  a state whose recorded user no longer matches the cookie is wiped, so a reused client token never
  receives the previous user's data, and one whose user's role changed drops what the old role
  loaded, so a reconnect never receives it again;
- every other event needs the handshake cookie to still name a live session of the state's user
  (re-checked each time through the cached lookup); otherwise it is dropped, the state forgets the
  user, and the client is told its session ended and sent to sign in. A changed role resets the
  user's other states (`@user_bound`) before the event runs;
- then the handler's permissions: a refused event is dropped with a toast.
`@requires` checks again inside the handler, and the services check once more.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import reflex as rx
from reflex.state import StateUpdate
from reflex_base.event import Event

from thrust.auth.guard import DENIED_MESSAGE, HYDRATE_HANDLERS, handler_policy
from thrust.auth.state import AuthState, current_location, session_ended_events

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState

log = logging.getLogger("thrust.auth")


async def _update(state: BaseState, events: list[Any]) -> StateUpdate:
    """Drop the event; send what changed in the state (if anything) and `events` instead."""
    root = state._get_root_state()
    delta = await root._get_resolved_delta()
    root._clean()
    return StateUpdate(delta=delta, events=Event.from_event_type(events))


class AuthMiddleware(rx.Middleware):
    """Checks every socket event against the policy of its handler (see the module docstring)."""

    async def preprocess(self, app: App, state: BaseState, event: Event) -> StateUpdate | None:
        try:
            policy = handler_policy(event.name)
        except KeyError:
            return StateUpdate()
        auth = await state.get_state(AuthState)
        if policy.public:
            if event.name in HYDRATE_HANDLERS:
                await auth._forget_if_stale()
            return None

        had_user = bool(auth._user_id)
        actor = await auth._verify()
        if actor is None:
            if not had_user:
                # Never signed in on this socket: nothing to end, nothing to tell.
                log.debug("dropped %s from an anonymous socket", event.name)
                return StateUpdate()
            log.info("session ended: dropped %s", event.name)
            await auth._forget()
            return await _update(state, session_ended_events(current_location(state)))

        if not policy.allows(actor):
            log.warning("refused %s to %s (%s)", event.name, actor.user_id, actor.role.value)
            return await _update(state, [rx.toast.error(DENIED_MESSAGE)])
        return None
