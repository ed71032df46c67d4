"""Assembles the THRUST app: pages, the /api/v1 FastAPI app and the shared theme."""

from __future__ import annotations

import reflex as rx

from thrust.auth.pages import login_page
from thrust.checkins.pages import front_desk_page, live_page
from thrust.core.http import create_api
from thrust.dashboard.pages import dashboard
from thrust.gym.pages import settings_page
from thrust.members.pages import members_page
from thrust.planner.pages import planner_page
from thrust.system.api import router as system_router
from thrust.ui import routes, styles
from thrust.ui.state import ShellState

api = create_api([system_router])

app = rx.App(
    style=styles.BASE_STYLE,
    api_transformer=api,
    head_components=[
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.meta(name="theme-color", content="#F2551D"),
    ],
)

_PAGES = (
    (dashboard, routes.DASHBOARD, "Dashboard"),
    (members_page, routes.MEMBERS, "Members"),
    (front_desk_page, routes.FRONT_DESK, "Front desk"),
    (live_page, routes.LIVE, "Live traffic"),
    (planner_page, routes.PLANNER, "AI planner"),
    (settings_page, routes.SETTINGS, "Settings"),
    (login_page, routes.LOGIN, "Sign in"),
)
for component, route, title in _PAGES:
    app.add_page(component, route=route, title=f"{title} · THRUST", on_load=ShellState.load_shell)
