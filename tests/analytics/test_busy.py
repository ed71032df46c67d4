"""The public page /busy without a server: the answer its screens share (kept 30 s, hidden at once when
switched off), its state, and the HTTP layers that make it a 404 and unframable while switched off.
Over real HTTP: tests/security/test_headers.py; in the browser: tests/e2e/test_busy.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.auth.helpers import Clock
from tests.factories import actor_for, make_member, make_user, make_visit
from tests.support.states import call, client, run, scope_in
from thrust.analytics import busy_door
from thrust.analytics.busy_door import ANY_SITE, BusyDoor, busy_frame_ancestors, published_now
from thrust.analytics.busy_state import BusyState
from thrust.analytics.public import SWITCHED_OFF, forget_page_answers, page_occupancy
from thrust.core.errors import NotFound
from thrust.core.security_headers import NO_FRAMING, SecurityHeaders
from thrust.gym.service import get_gym, update_gym
from thrust.models import Role
from thrust.ui import feedback


@pytest.fixture(autouse=True)
def fresh_answers() -> Iterator[None]:
    forget_page_answers()
    yield
    forget_page_answers()


def _switch(db: Session, on: bool) -> None:
    update_gym(db, actor_for(make_user(db, role=Role.ADMIN)), public_occupancy=on)


def test_the_screens_share_one_answer_for_30_s_but_switching_off_hides_it_at_once(db: Session) -> None:
    clock = Clock()
    with pytest.raises(NotFound, match=SWITCHED_OFF):
        page_occupancy(db, clock=clock)
    _switch(db, True)
    get_gym(db).max_capacity = 10
    make_visit(db, make_member(db), hours_ago=0.5, minutes=None)
    first = page_occupancy(db, clock=clock)
    assert first.percent == 10 and first.band == "quiet" and first.gym_name == get_gym(db).name

    make_visit(db, make_member(db), hours_ago=0.2, minutes=None)
    clock.advance(29)
    assert page_occupancy(db, clock=clock) is first  # the same answer for every screen, for 30 s
    clock.advance(1)
    assert page_occupancy(db, clock=clock).percent == 20

    _switch(db, False)
    with pytest.raises(NotFound):
        page_occupancy(db, clock=clock)  # not from the kept answer


def test_the_page_state_shows_the_public_answer_and_nothing_while_switched_off(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feedback, "session_scope", scope_in(db))
    get_gym(db).max_capacity = 4
    for _ in range(3):
        make_visit(db, make_member(db, full_name="Private Person"), hours_ago=0.3, minutes=None)

    async def scenario() -> None:
        root = client("", "/busy")  # anonymous: no cookie at all
        busy = await root.get_state(BusyState)
        await call(BusyState.load_busy, busy)
        assert busy.loaded and not busy.published and busy.now.percent == 0

        _switch(db, True)
        await call(BusyState.load_busy, busy)
        shown = busy.now
        assert busy.published and (shown.percent, shown.words, shown.tone) == (75, "Getting busy", "amber")
        assert shown.gym == get_gym(db).name and shown.as_of and shown.trend_words == "Filling up"
        assert "Private Person" not in str(busy.dict())

        _switch(db, False)
        await call(BusyState.load_busy, busy)  # the next refresh
        assert not busy.published and busy.now.percent == 0

    run(scenario())


# -- the HTTP layers -----------------------------------------------------------------------------------


def _page(request: Request) -> HTMLResponse:
    return HTMLResponse(f"<html><body>page {request.url.path}</body></html>")


def _layers(switch: dict[str, Any]) -> Any:
    """BusyDoor under the security headers, as thrust.py stacks them, around a stand-in for the pages."""
    app = Starlette(routes=[Route("/busy", _page), Route("/login", _page)])

    def published() -> bool:
        if switch.get("broken"):
            raise RuntimeError("database down")
        return bool(switch["on"])

    return SecurityHeaders(
        BusyDoor(app, published=published, not_found_page=lambda: b"<html>Page not found</html>"),
        public_url="http://localhost:3000",
        api_prefix="/api/v1",
        frame_ancestors={"/busy": lambda: ANY_SITE if published() else NO_FRAMING},
        script_hashes=lambda: [],
    )


def _frame_ancestors(response: httpx.Response) -> str:
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";")
    )
    return policy["frame-ancestors"]


def test_busy_is_a_404_and_unframable_until_switched_on() -> None:
    switch: dict[str, Any] = {"on": False}
    transport = httpx.ASGITransport(app=_layers(switch))

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost:3000") as http:
            for path in ("/busy", "/busy/"):
                off = await http.get(path)
                assert off.status_code == 404 and off.text == "<html>Page not found</html>"
                assert _frame_ancestors(off) == "'none'" and off.headers["x-frame-options"] == "DENY"
                assert off.headers["cache-control"] == "no-store"
            head = await http.head("/busy")
            assert head.status_code == 404 and head.content == b""

            switch["on"] = True
            on = await http.get("/busy")
            assert on.status_code == 200 and "page /busy" in on.text
            assert _frame_ancestors(on) == "*" and "x-frame-options" not in on.headers
            other = await http.get("/login")  # every other page still refuses to be framed
            assert _frame_ancestors(other) == "'none'" and other.headers["x-frame-options"] == "DENY"

            switch["broken"] = True  # cannot tell: closed, not open
            broken = await http.get("/busy")
            assert broken.status_code == 404 and _frame_ancestors(broken) == "'none'"

    run(scenario())


def test_the_layers_read_the_gyms_switch(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(busy_door, "session_scope", scope_in(db))
    assert (published_now(), busy_frame_ancestors()) == (False, NO_FRAMING)
    _switch(db, True)
    assert (published_now(), busy_frame_ancestors()) == (True, ANY_SITE)
