"""System routes: GET /api/v1/health for load balancers and monitoring."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from thrust.core.db import get_engine
from thrust.core.http import errors
from thrust.core.settings import get_settings
from thrust.system import service

# Public on purpose: monitoring must reach it without a token. It reveals no data.
router = APIRouter(tags=["system"])


@router.get(
    "/health",
    summary="Report whether THRUST and its database (and Redis) are reachable",
    responses=errors(503),
)
def get_health() -> JSONResponse:
    """Answer 200 when every dependency is reachable, 503 otherwise."""
    report = service.health(get_engine(), get_settings().redis_url)

    def check(c: service.Check) -> dict[str, object]:
        out: dict[str, object] = {"status": c.status}
        if c.latency_ms is not None:
            out["latencyMs"] = c.latency_ms
        if c.error:
            out["error"] = c.error
        return out

    body = {
        "data": {
            "status": "ok" if report.checks_ok else "unavailable",
            "version": report.version,
            "checks": {"database": check(report.database), "redis": check(report.redis)},
        }
    }
    return JSONResponse(body, status_code=200 if report.checks_ok else 503)
