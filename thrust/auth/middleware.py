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
- an upload's event (files only /_upload can make) acts with the upload request's own cookie, which
  must name the tab's user; otherwise it is dropped and the tab's session is left alone;
- then the handler's permissions: a refused event is dropped with a toast.
`@requires` checks again inside the handler, and the services check once more.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import reflex as rx

from thrust.auth.connections import act_with, is_upload_event, upload_cookie
from thrust.auth.policy import DENIED_MESSAGE, handler_policy
from thrust.auth.state import (
    AuthState,
    current_location,
    forget,
    forget_if_stale,
    session_ended_events,
    verify,
)
from thrust.core.logs import new_event_id, set_request_id
from thrust.core.metrics import SOCKET_EVENTS
from thrust.core.reflex_compat import HYDRATE_HANDLERS, dropped, update_instead

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState, StateUpdate
    from reflex_base.event import Event

log = logging.getLogger("thrust.auth")


class AuthMiddleware(rx.Middleware):
    """Checks every socket event against the policy of its handler (see the module docstring)."""

    async def preprocess(self, app: App, state: BaseState, event: Event) -> StateUpdate | None:
        # Each event runs in its own task: the id marks every log line of this event and its threads.
        set_request_id(new_event_id())
        try:
            policy = handler_policy(event.name)
        except KeyError:
            SOCKET_EVENTS.labels("unknown").inc()
            return dropped()
        auth = await state.get_state(AuthState)
        if policy.public:
            if event.name in HYDRATE_HANDLERS:
                await forget_if_stale(auth)
            SOCKET_EVENTS.labels("public").inc()
            return None

        upload = is_upload_event(event.payload)
        if upload:
            # Files from /_upload: the event acts with that request's own cookie, never the socket's.
            cookie = upload_cookie(state.router.session.client_token)
            if cookie is None:
                log.warning("dropped %s: no upload request of this tab on this worker", event.name)
                return dropped()
            act_with(cookie)

        had_user = bool(auth._user_id)
        actor = await verify(auth)
        if actor is None and upload:
            # Another user's (or a dead) cookie with this tab's client token: refused, and the tab's
            # own session is left alone.
            log.warning("refused upload %s: its cookie does not prove this tab's user", event.name)
            return dropped()
        if actor is None:
            if not had_user:
                # Never signed in on this socket: nothing to end, nothing to tell.
                log.debug("dropped %s from an anonymous socket", event.name)
                SOCKET_EVENTS.labels("dropped").inc()
                return dropped()
            log.info("session ended: dropped %s", event.name)
            SOCKET_EVENTS.labels("dropped").inc()
            await forget(auth)
            return await update_instead(state, session_ended_events(current_location(state)))

        if not policy.allows(actor):
            log.warning("refused %s to %s (%s)", event.name, actor.user_id, actor.role.value)
            SOCKET_EVENTS.labels("refused").inc()
            return await update_instead(state, [rx.toast.error(DENIED_MESSAGE)])
        SOCKET_EVENTS.labels("handled").inc()
        log.info("event %s by %s", _short_name(event.name), actor.user_id)
        return None


def _short_name(name: str) -> str:
    """`thrust___checkins___state____front_desk_state.check_in` -> `front_desk_state.check_in`."""
    state, _, handler = name.rpartition(".")
    return f"{state.rsplit('____', 1)[-1]}.{handler}"
