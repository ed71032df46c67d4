"""The baseline of bench/realtime.py: a bare python-socketio server that broadcasts after a trivial POST.

Served by granian like THRUST (`granian --interface asgi bench.bare_socketio:app`), on the `/_event`
path and namespace the Reflex clients use, so bench/realtime.py drives it with the very same client
harness. A POST (or PATCH) of `/api/v1/check-ins` changes a counter, answers at once, then broadcasts
one message shaped and sized like THRUST's occupancy message (the same state and var names) to every
connected socket: the least any server can do for one change.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import socketio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

NAMESPACE = "/_event"
# The full name of THRUST's LiveState, handed over by bench/realtime.py (no THRUST import here).
LIVE = os.environ.get("BARE_LIVE_STATE", "live_state")
MAXIMUM = 150

sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*")
inside = 0
background: set[asyncio.Task[None]] = set()


def message() -> dict[str, Any]:
    """The same vars, and so about the same bytes, as THRUST's occupancy message."""
    percent = round(100 * inside / MAXIMUM)
    stamp = int(time.time() * 1000)
    fields = {
        "current": inside,
        "maximum": MAXIMUM,
        "as_of": time.strftime("%H:%M:%S"),
        "percent": percent,
        "band": "green",
        "fill": f"{min(percent, 100)}%",
        "now_ms": stamp,
        "paused": False,
        "loaded": True,
        "announcement": f"{inside} people inside, {percent}% of the maximum of {MAXIMUM}.",
    }
    return {"delta": {LIVE: {f"{name}_rx_state_": value for name, value in fields.items()}}, "events": []}


@sio.on("connect", namespace=NAMESPACE)
async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
    await sio.emit("event", message(), to=sid, namespace=NAMESPACE)  # the page's first state


async def broadcast() -> None:
    await sio.emit("event", message(), namespace=NAMESPACE)


def changed(step: int) -> JSONResponse:
    global inside
    inside += step
    task = asyncio.get_running_loop().create_task(broadcast())  # after the answer, like THRUST's bus
    background.add(task)
    task.add_done_callback(background.discard)
    status = 201 if step > 0 else 200
    return JSONResponse(
        {"data": {"id": "visit"}, "meta": {"capacity": {"current": inside}}}, status_code=status
    )


async def check_in(request: Request) -> JSONResponse:
    return changed(+1)


async def check_out(request: Request) -> JSONResponse:
    return changed(-1)


api = Starlette(
    routes=[
        Route("/api/v1/check-ins", check_in, methods=["POST"]),
        Route("/api/v1/check-ins/{visit}", check_out, methods=["PATCH"]),
        Route("/ping", lambda request: JSONResponse({"ok": True})),
    ]
)
app = socketio.ASGIApp(sio, other_asgi_app=api, socketio_path="_event")
