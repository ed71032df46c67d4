"""The /api/v1 app: every domain's router in one list, so the app and the benchmarks serve the same API."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from thrust.ai.api import router as ai_router
from thrust.analytics.api import history_router as occupancy_history_router
from thrust.analytics.api import public as analytics_public_router
from thrust.analytics.api import router as analytics_router
from thrust.auth.api import public as auth_public_router
from thrust.auth.api import router as auth_router
from thrust.checkins.api import router as checkins_router
from thrust.core.http import create_api
from thrust.gym.api import router as gym_router
from thrust.members.api import router as members_router
from thrust.planner.api import router as planner_router
from thrust.planner.catalog_api import router as exercises_router
from thrust.reminders.api import public as reminders_public_router
from thrust.reminders.api import router as reminders_router
from thrust.staff.api import router as staff_router
from thrust.system.api import router as system_router
from thrust.system.jobs_api import router as jobs_router

API_ROUTERS: list[APIRouter] = [
    system_router,
    auth_public_router,
    auth_router,
    gym_router,
    staff_router,
    members_router,
    checkins_router,
    exercises_router,
    planner_router,
    ai_router,
    occupancy_history_router,
    analytics_router,
    analytics_public_router,
    reminders_public_router,
    reminders_router,
    jobs_router,
]


def build_api() -> FastAPI:
    """A fresh /api/v1 FastAPI app with every router (an ASGI factory for granian or uvicorn)."""
    return create_api(API_ROUTERS)
