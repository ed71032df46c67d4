"""Assembles the THRUST app: pages (all but sign-in/up need a session), auth middleware, /api/v1."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from starlette.types import ASGIApp

from thrust.api import API_ROUTERS
from thrust.auth.connections import SocketCredentials
from thrust.auth.middleware import AuthMiddleware
from thrust.auth.pages import login_page, signup_page
from thrust.auth.state import AuthState, protected_page
from thrust.checkins.live import broadcast_capacity
from thrust.checkins.pages import front_desk_page, live_page
from thrust.checkins.state import FRONT_DESK_LOADERS, LIVE_LOADERS
from thrust.core.body_limit import BodyLimit
from thrust.core.http import API_PREFIX, create_api
from thrust.core.reflex_compat import check_reflex_version
from thrust.core.security_headers import SecurityHeaders
from thrust.core.settings import get_settings
from thrust.dashboard.pages import DASHBOARD_LOADERS, dashboard
from thrust.demo.state import DemoDataState
from thrust.gym.pages import SETTINGS_LOADERS, settings_page
from thrust.members.pages import MEMBER_LOADERS, MEMBER_ROUTE, MEMBERS_LOADERS, member_page, members_page
from thrust.members.uploads import BODY_LIMITS as IMPORT_BODY_LIMITS
from thrust.planner.pages import planner_page
from thrust.system.runtime import (
    count_sockets,
    report_backend_exception,
    scheduled_jobs,
    start_observing,
)
from thrust.ui import routes, styles
from thrust.ui.shell import page_needs
from thrust.ui.state import ShellState

start_observing()
check_reflex_version()  # logs an error when the installed Reflex is not the one verified
api = create_api(API_ROUTERS)

# Paths that may be framed, and by whom (every other page refuses to be framed).
FRAME_ANCESTORS: dict[str, str] = {}
# The API docs page loads Swagger UI from its CDN.
_DOCS_SOURCES = {
    "script-src": ["https://cdn.jsdelivr.net"],
    "style-src": ["https://cdn.jsdelivr.net"],
    "img-src": ["https://fastapi.tiangolo.com"],
}


def http_layers(app: ASGIApp) -> ASGIApp:
    """Around everything Reflex serves (pages, static files, /_event, /_upload, /api/v1), outermost
    first: security headers on every response; body limits before anything reads a body or looks at
    credentials; sockets' cookies kept out of Reflex state, uploads checked against their own cookie."""
    settings = get_settings()
    return SecurityHeaders(
        BodyLimit(SocketCredentials(app), limits=IMPORT_BODY_LIMITS),
        public_url=settings.public_url,
        api_prefix=API_PREFIX,
        frame_ancestors=FRAME_ANCESTORS,
        extra_sources={f"{API_PREFIX}/docs": _DOCS_SOURCES},
    )


app = rx.App(
    style=styles.BASE_STYLE,  # type: ignore[arg-type]  # Reflex also takes components as keys; ours are CSS selectors
    stylesheets=["/thrust.css"],
    api_transformer=[api, http_layers],
    # A crashing handler is logged under its event's id (and reported to Sentry when configured).
    backend_exception_handler=report_backend_exception,
    head_components=[
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.meta(name="theme-color", content="#F2551D"),
        # Sign-in, sign-up and sign-out talk to /api/v1/auth directly (passwords never touch the socket).
        rx.el.script(src="/thrust-auth.js"),
        # Dialogs opened by state give focus back to where it was when they close.
        rx.el.script(src="/thrust-a11y.js"),
    ],
)
# Default deny: every socket event is checked against its handler's policy (thrust/auth/guard.py).
app.add_middleware(AuthMiddleware())

# (page, route, title, loaders: run once the visitor is known to be signed in and may open the page)
_PROTECTED: Sequence[tuple[Callable[[], rx.Component], str, str, list[Any]]] = (
    (dashboard, routes.DASHBOARD, "Dashboard", DASHBOARD_LOADERS),
    (members_page, routes.MEMBERS, "Members", MEMBERS_LOADERS),
    (member_page, MEMBER_ROUTE, "Member", MEMBER_LOADERS),
    (front_desk_page, routes.FRONT_DESK, "Front desk", FRONT_DESK_LOADERS),
    (live_page, routes.LIVE, "Live traffic", LIVE_LOADERS),
    (planner_page, routes.PLANNER, "AI planner", []),
    (settings_page, routes.SETTINGS, "Settings", SETTINGS_LOADERS),
)
for component, route, title, loaders in _PROTECTED:
    app.add_page(
        component,
        route=route,
        title=f"{title} · THRUST",
        # Every page also asks whether to show an admin the "Demo data is loaded" banner.
        on_load=[
            ShellState.load_shell,
            *protected_page(route, loaders=[*loaders, DemoDataState.load_banner], needs=page_needs(route)),
        ],
    )

for component, route, title in ((login_page, routes.LOGIN, "Sign in"), (signup_page, routes.SIGNUP, "Join")):
    app.add_page(
        component,
        route=route,
        title=f"{title} · THRUST",
        on_load=[ShellState.load_shell, AuthState.redirect_if_signed_in],
    )


# Lifespan tasks run once per worker: each worker's broadcaster pushes to its own sockets; the
# scheduler runs on every worker, and each job slot runs on one of them (thrust/core/jobs.py).
app.register_lifespan_task(broadcast_capacity)
app.register_lifespan_task(scheduled_jobs)
app.register_lifespan_task(count_sockets)
