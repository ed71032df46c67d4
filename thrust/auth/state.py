"""Who is signed in on this socket: identity from the HttpOnly cookie the browser sent at the handshake.

The login form never talks to this state: it posts to /api/v1/auth/login, which sets the cookie,
and then reloads the page so the socket reconnects carrying it. Here we only read that cookie (via
`thrust.auth.sessions.lookup_actor`, which checks the token, the live session and the
active user) and remember who it named in backend vars. Public vars are the user's own display bits.
The cookie itself is never kept in the state (which may live in Redis): `thrust.auth.connections`
holds it in this worker's memory while the socket is open.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, TypeVar

import reflex as rx
from reflex.state import BaseState

from thrust.auth.connections import event_cookie, socket_cookie
from thrust.auth.policy import SESSION_ENDED_MESSAGE, public_event
from thrust.auth.rbac import ROLE_PERMISSIONS, Actor
from thrust.auth.service import get_me
from thrust.auth.sessions import lookup_actor
from thrust.core.db import session_scope
from thrust.core.errors import DomainError, Unauthorized
from thrust.core.text import initials
from thrust.models import Role
from thrust.ui import registry, routes

S = TypeVar("S", bound=type[rx.State])

ROLE_LABELS = {Role.ADMIN: "Admin", Role.TRAINER: "Trainer", Role.MEMBER: "Member"}
PAGE_DENIED_MESSAGE = "That page is not part of your account; here is your dashboard."

# States holding data of the signed-in user: all reset together when the identity changes or ends,
# and (all but the identity itself) when the user's role changes: what they hold was chosen for the
# role it was loaded under (a staff table, members' contact details), and a state that only some
# roles may fill is safer emptied than sent again to a role that may not see it.
USER_BOUND: list[type[rx.State]] = []


def user_bound(cls: S) -> S:
    """Mark a state class as holding the signed-in user's data (reset on sign-out, a user change or a
    role change)."""
    USER_BOUND.append(cls)
    return cls


def _display_name(actor: Actor) -> str:
    with session_scope(read_only=True) as session:
        user = get_me(session, actor)
        return user.full_name or user.email


def current_location(state: BaseState) -> str:
    """The path (and query) the client says it is on, for a return after sign-in."""
    url = state.router.url
    path = url.path.rstrip("/") or routes.DASHBOARD  # the static server adds a trailing slash
    return f"{path}?{url.query}" if url.query else path


def resume_or_sign_in(path: str) -> Any:
    """Client-side: try the refresh cookie once (the access token may just have expired) and reload
    into `path`; otherwise go to the sign-in page, which returns to `path` afterwards."""
    login = routes.login_url(path)
    target = routes.safe_next_path(path)
    script = (
        f"window.thrustAuth ? window.thrustAuth.resume({json.dumps(target)}, {json.dumps(login)})"
        f" : window.location.replace({json.dumps(login)})"
    )
    return rx.call_script(script)


def session_ended_events(path: str | None = None) -> list[Any]:
    """What a client whose session ended gets: a toast and the sign-in page (returning to `path`)."""
    return [rx.toast.error(SESSION_ENDED_MESSAGE), rx.redirect(routes.login_url(path), replace=True)]


class AuthState(rx.State):
    """The signed-in user of this socket, if any.

    Who it is, and every check of it, are module functions below, not methods: any public method of a
    state is an event handler a client may call.
    """

    # Public: the user's own name and role for the header, and which menus to show (cosmetic only:
    # every handler and service checks again on the server).
    is_authenticated: bool = False
    display_name: str = ""
    initials: str = ""
    role_label: str = ""
    permissions: list[str] = []

    # Backend only: never sent to the browser.
    _user_id: str = ""
    _email: str = ""
    _role: str = ""
    _session_id: str = ""

    # -- page-load handlers (public: they establish identity from the cookie themselves) ----------------

    @rx.event
    @public_event
    async def require_login(self) -> Any:
        """On a protected page: send an anonymous visitor to sign in, and back here afterwards."""
        actor = await adopt_cookie(self)
        if actor is None:
            return resume_or_sign_in(current_location(self))
        # The page's declaration (thrust/ui/registry.py) says who may open it and what loads it, so a
        # loader never runs for someone who may not see the page; others are sent to the dashboard.
        spec = registry.find(self.router.route_id or self.router.url.path)
        if spec is None or spec.public:
            return None
        if not spec.allows(ROLE_PERMISSIONS[actor.role]):
            return [rx.toast.info(PAGE_DENIED_MESSAGE), rx.redirect(routes.DASHBOARD, replace=True)]
        return list(spec.on_load)

    @rx.event
    @public_event
    async def redirect_if_signed_in(self) -> Any:
        """On the sign-in and sign-up pages: someone already signed in goes on to `next` (or home)."""
        if await adopt_cookie(self) is None:
            return None
        target = routes.safe_next_path(self.router.url.query_parameters.get("next"))
        return rx.redirect(target, replace=True)


user_bound(AuthState)


# -- who this socket's user is ------------------------------------------------------------------------


def cookie_header(auth: AuthState) -> str:
    """The cookie this event acts with: an upload's own, else its socket's handshake cookie (kept in
    this worker's memory by `thrust.auth.connections`, never in the state)."""
    upload = event_cookie()
    if upload is not None:
        return upload
    return socket_cookie(auth.router.headers)


def recorded_actor(auth: AuthState) -> Actor:
    """The verified user this event acts for; raises Unauthorized when nobody is signed in."""
    if not auth._user_id:
        raise Unauthorized()
    return Actor(
        user_id=uuid.UUID(auth._user_id),
        email=auth._email,
        role=Role(auth._role),
        session_id=uuid.UUID(auth._session_id) if auth._session_id else None,
    )


async def adopt_cookie(auth: AuthState) -> Actor | None:
    """On a page load: make the user the cookie proves this state's user and return them; when it proves
    nobody, forget whoever was recorded and return None."""
    actor = await lookup_actor(cookie_header(auth))
    if actor is None or not await _adopt(auth, actor):
        if auth._user_id or auth.is_authenticated:
            await forget(auth)
        return None
    return actor


async def verify(auth: AuthState) -> Actor | None:
    """Re-check the handshake cookie: the actor if it still names this state's user, else None.

    A state with no user yet adopts the cookie's (the cookie is the proof, e.g. after the server
    lost its state store); a different user than the one recorded is refused. A changed role is
    picked up here.
    """
    actor = await lookup_actor(cookie_header(auth))
    if actor is None:
        return None
    if not auth._user_id:
        return actor if await _adopt(auth, actor) else None
    if str(actor.user_id) != auth._user_id:
        return None
    await _drop_if_role_changed(auth, actor)
    _record(auth, actor)
    return actor


async def verified_actor(state: rx.State) -> Actor | None:
    """`verify` for a handler of any state: the actor its socket's cookie still proves, or None."""
    return await verify(await state.get_state(AuthState))


async def acting_user(state: rx.State) -> Actor:
    """The verified actor for a handler of any state (call after `@requires`/the middleware checked it)."""
    return recorded_actor(await state.get_state(AuthState))


async def forget(auth: AuthState) -> None:
    """Drop the identity and every state holding the user's data."""
    for cls in USER_BOUND:
        state = auth if cls is AuthState else await auth.get_state(cls)
        state.reset()
    auth._user_id = auth._email = auth._role = auth._session_id = ""


async def forget_if_stale(auth: AuthState) -> None:
    """Before a hydrate: if the cookie no longer names the recorded user, forget them first,
    so a reused client token never receives the previous user's data; if the user's role changed,
    drop what was loaded under the old one, so a reconnect never receives it again."""
    if not auth._user_id and not auth.is_authenticated:
        return
    actor = await lookup_actor(cookie_header(auth))
    if actor is None or str(actor.user_id) != auth._user_id:
        await forget(auth)
        return
    await _drop_if_role_changed(auth, actor)
    _record(auth, actor)


def show_display_name(auth: AuthState, name: str) -> None:
    """Show `name` in the header (after a profile change)."""
    auth.display_name = name
    auth.initials = initials(name)


async def _drop_if_role_changed(auth: AuthState, actor: Actor) -> None:
    """Reset every other user-bound state if `actor`'s role is not the one they were loaded under
    (a demoted admin's staff table and members' contact details must not stay, nor be sent again)."""
    if auth._role and auth._role != actor.role.value:
        for cls in USER_BOUND:
            if cls is not AuthState:
                (await auth.get_state(cls)).reset()


def _record(auth: AuthState, actor: Actor) -> None:
    auth._user_id = str(actor.user_id)
    auth._email = actor.email
    auth._session_id = str(actor.session_id) if actor.session_id else ""
    if auth._role != actor.role.value or not auth.is_authenticated:
        auth._role = actor.role.value
        auth.role_label = ROLE_LABELS.get(actor.role, actor.role.value.title())
        auth.permissions = sorted(p.value for p in ROLE_PERMISSIONS[actor.role])
        auth.is_authenticated = True


async def _adopt(auth: AuthState, actor: Actor) -> bool:
    """Make `actor` this state's user (forgetting a previous, different one); False if it vanished."""
    if auth._user_id and auth._user_id != str(actor.user_id):
        await forget(auth)
    try:
        name = await asyncio.to_thread(_display_name, actor)
    except DomainError:
        await forget(auth)
        return False
    await _drop_if_role_changed(auth, actor)
    _record(auth, actor)
    show_display_name(auth, name)
    return True


# Logout happens in the browser (it must clear HttpOnly cookies): POST, then a full page load so the
# socket reconnects without the cookie. thrust-auth.js defines window.thrustAuth.logout.
SIGN_OUT_SCRIPT = "window.thrustAuth ? window.thrustAuth.logout() : window.location.assign('/login')"


def sign_out() -> Any:
    """The client-side event that signs out (no server handler involved)."""
    return rx.call_script(SIGN_OUT_SCRIPT)
