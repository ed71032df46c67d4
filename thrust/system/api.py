"""System routes: /api/v1/health (the process is alive), /api/v1/ready (it can serve: DB, schema, Redis)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from thrust.core.db import get_engine
from thrust.core.http import documented
from thrust.core.settings import VERSION, get_settings
from thrust.system import service

# Public on purpose: monitoring must reach them without a token. They reveal no data.
router = APIRouter(tags=["system"])


@router.get("/health", summary="Report that the THRUST process is alive (no dependency is checked)")
async def get_health() -> JSONResponse:
    """Answer 200 while the process serves: for restart decisions (a database outage is no reason)."""
    return JSONResponse({"data": {"status": "ok", "version": VERSION}})


@router.get(
    "/ready", **documented("Report whether THRUST can serve: database, migrations at head, Redis", None, 503)
)
def get_ready() -> JSONResponse:
    """Answer 200 when every dependency is reachable and the schema is current, 503 naming what failed."""
    report = service.health(get_engine(), get_settings().redis_url)

    def check(c: service.Check) -> dict[str, object]:
        out: dict[str, object] = {"status": c.status}
        if c.latency_ms is not None:
            out["latencyMs"] = c.latency_ms
        if c.error:
            out["error"] = c.error
        return out

    data: dict[str, object] = {
        "status": "ok" if report.checks_ok else "unavailable",
        "version": report.version,
        "checks": {
            "database": check(report.database),
            "migrations": check(report.migrations),
            "redis": check(report.redis),
        },
    }
    if report.failed:
        data["failed"] = report.failed
    return JSONResponse({"data": data}, status_code=200 if report.checks_ok else 503)
