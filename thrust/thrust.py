"""Assembles the THRUST app: the declared pages, auth middleware, /api/v1."""

from __future__ import annotations

import reflex as rx
from starlette.types import ASGIApp

# Importing a page module declares its pages (@page, thrust/ui/registry.py).
import thrust.analytics.busy_page
import thrust.auth.pages
import thrust.checkins.pages
import thrust.dashboard.pages
import thrust.gym.pages
import thrust.members.directory_page
import thrust.members.profile_page
import thrust.planner.my_plan_page
import thrust.planner.pages
import thrust.planner.print_page
import thrust.ui.public  # noqa: F401  (the page an unknown address shows)
from thrust.analytics.busy_door import BusyDoor, busy_frame_ancestors
from thrust.api import API_ROUTERS
from thrust.auth.connections import SocketCredentials
from thrust.auth.middleware import AuthMiddleware
from thrust.auth.state import AuthState
from thrust.checkins.hydrate import LiveHydrate
from thrust.checkins.live import broadcast_capacity
from thrust.checkins.state import LIVE_VIEWS, staff_actor
from thrust.core.body_limit import BodyLimit
from thrust.core.collector import tune_collector
from thrust.core.http import API_PREFIX, create_api
from thrust.core.reflex_compat import check_reflex_version, throttle_disk_state_purge
from thrust.core.security_headers import FrameAncestors, SecurityHeaders
from thrust.core.settings import get_settings
from thrust.members.uploads import BODY_LIMITS as IMPORT_BODY_LIMITS
from thrust.planner.api import BODY_LIMITS as PLAN_BODY_LIMITS
from thrust.system.runtime import (
    count_sockets,
    report_backend_exception,
    scheduled_jobs,
    start_observing,
)
from thrust.ui import registry, routes, styles
from thrust.ui.state import ShellState

start_observing()
check_reflex_version()  # logs an error when the installed Reflex is not the one verified
throttle_disk_state_purge()  # the embedded state store looks for expired tabs once a minute, not every 2 s
api = create_api(API_ROUTERS)

# Paths that may be framed, and by whom (every other page refuses to be framed): the public /busy page by
# any site, while the gym publishes it.
FRAME_ANCESTORS: dict[str, FrameAncestors] = {routes.BUSY: busy_frame_ancestors}
# The API docs page loads Swagger UI from its CDN.
_DOCS_SOURCES = {
    "script-src": ["https://cdn.jsdelivr.net"],
    "style-src": ["https://cdn.jsdelivr.net"],
    "img-src": ["https://fastapi.tiangolo.com"],
}


def http_layers(app: ASGIApp) -> ASGIApp:
    """Around everything Reflex serves (pages, static files, /_event, /_upload, /api/v1), outermost
    first: security headers on every response; body limits before anything reads a body or looks at
    credentials; sockets' cookies kept out of Reflex state, uploads checked against their own cookie; /busy
    a 404 while the gym keeps how busy it is to itself."""
    settings = get_settings()
    return SecurityHeaders(
        BodyLimit(SocketCredentials(BusyDoor(app)), limits={**IMPORT_BODY_LIMITS, **PLAN_BODY_LIMITS}),
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
        # Inside another site's frame (/busy), a browser may refuse storage: memory stands in, first.
        rx.el.script(src="/thrust-storage.js"),
        # Sign-in, sign-up and sign-out talk to /api/v1/auth directly (passwords never touch the socket).
        rx.el.script(src="/thrust-auth.js"),
        # Dialogs opened by state give focus back to where it was when they close.
        rx.el.script(src="/thrust-a11y.js"),
    ],
)
# Default deny: every socket event is checked against its handler's policy (thrust/auth/policy.py).
app.add_middleware(AuthMiddleware())
# Live pages are pushed to without saving each client's state: a hydrate catches up first.
app.add_middleware(LiveHydrate())

# Every page as declared with @page (thrust/ui/registry.py). The gym's name loads on every page;
# a signed-in page's own loaders run from `require_login`, once the visitor may open it.
for spec in registry.PAGES.values():
    app.add_page(
        spec.component,
        route=spec.route,
        title=f"{spec.title} · THRUST",
        on_load=[ShellState.load_shell, *(spec.on_load if spec.public else [AuthState.require_login])],
    )


# Lifespan tasks run once per worker: each worker's broadcaster sends each change to its own sockets, one
# message per audience (names only to cookies that still prove a staff session); the scheduler runs on
# every worker, and each job slot runs on one of them (thrust/core/jobs.py).
app.register_lifespan_task(broadcast_capacity, views=LIVE_VIEWS, verify=staff_actor)
app.register_lifespan_task(scheduled_jobs)
app.register_lifespan_task(count_sockets)

# Last: the assembled app lives as long as the process. Out of the collector's way from here on (see
# thrust/core/collector.py: full collections over it held live pushes back by up to half a second).
tune_collector()
