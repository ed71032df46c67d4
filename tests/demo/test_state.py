"""The demo banner's state without a server: who sees it, the confirmation, the removal, what reaches clients.

Each client is a fresh state tree as Reflex builds it for a new tab; the cookie -> actor lookup is a
table, and the handlers' units of work run in the test's rolled-back transaction (both engines).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

import thrust.demo_data as demo_data
import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.factories import actor_for
from tests.support.states import call, client, load_page, run, said, scope_in, sessions
from thrust.auth.policy import BAD_REQUEST_MESSAGE, DENIED_MESSAGE
from thrust.auth.rbac import Actor
from thrust.auth.state import AuthState
from thrust.core.security import hash_password
from thrust.core.settings import get_settings
from thrust.demo.state import DemoDataState
from thrust.models import Role, User
from thrust.ui import feedback

MEMBERS = 12


@pytest.fixture(autouse=True)
def wiring(db: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The demo gym in the test's transaction; cookies name its admin, a trainer and a member."""
    monkeypatch.setattr(demo_data, "hash_password", lambda password: hash_password(password, rounds=4))
    demo_data.seed_demo_data(db, members=MEMBERS, progress=False)

    def first(role: Role) -> Actor:
        return actor_for(db.exec(select(User).where(User.role == role).order_by(User.email)).first())

    table = {
        "thrust_access=admin": first(Role.ADMIN),
        "thrust_access=coach": first(Role.TRAINER),
        "thrust_access=member": first(Role.MEMBER),
    }
    sessions(monkeypatch, table)
    monkeypatch.setattr(feedback, "session_scope", scope_in(db))
    monkeypatch.setenv("THRUST_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def page(cookie: str, path: str = "/") -> DemoDataState:
    """A tab that opened `path` signed in with `cookie` and ran the page's loaders (the banner's too)."""
    auth, loaders = await load_page(client(cookie, path))
    assert auth.is_authenticated and DemoDataState.load_banner in loaders, loaders
    demo = await auth.get_state(DemoDataState)
    await call(DemoDataState.load_banner, demo)
    return demo


def _demo_users(db: Session) -> int:
    return int(db.execute(sa.select(sa.func.count()).select_from(User).where(User.is_demo)).scalar_one())


def test_an_admin_sees_the_banner_confirms_what_goes_and_it_is_gone(db: Session) -> None:
    async def scenario() -> None:
        demo = await page("thrust_access=admin", "/members")
        assert demo.loaded and not demo.dialog_open

        await call(DemoDataState.ask_removal, demo)
        assert demo.dialog_open and demo.accounts == MEMBERS + 5
        assert demo.summary.startswith(f"{MEMBERS} demo members with their ")
        assert demo.summary.endswith(", and 5 demo trainers")

        # A confirmation naming another number (stale, or scripted) removes nothing: it shows it again.
        out = await call(DemoDataState.confirm_removal, demo, 1)
        assert "changed since you looked" in said(out) and _demo_users(db) == MEMBERS + 5

        # Removing takes seconds with 10,000 members: the confirmation hands it to a background event.
        assert await call(DemoDataState.run_removal, demo) == [None]  # not armed: does nothing
        assert _demo_users(db) == MEMBERS + 5
        out = await call(DemoDataState.confirm_removal, demo, demo.accounts)
        assert out == [DemoDataState.run_removal] and demo.busy
        out = await call(DemoDataState.run_removal, demo)
        assert f"Removed {MEMBERS} demo members" in said(out)
        assert not demo.loaded and not demo.dialog_open and not demo.busy
        assert _demo_users(db) == 0
        assert db.exec(select(User.email)).all() == [demo_data.ADMIN_EMAIL]
        assert any(e is AuthState.require_login for e in out[-1])  # the page's loaders run again

        # Another page, or another admin's tab: no banner any more.
        again = await page("thrust_access=admin", "/")
        assert not again.loaded
        out = await call(DemoDataState.ask_removal, again)
        assert "already been removed" in said(out) and not again.dialog_open

    run(scenario())


@pytest.mark.parametrize("cookie", ["thrust_access=coach", "thrust_access=member"])
def test_trainers_and_members_never_see_it_nor_remove_anything(db: Session, cookie: str) -> None:
    async def scenario() -> None:
        demo = await page(cookie)
        assert not demo.loaded
        for handler, args in (
            (DemoDataState.ask_removal, ()),
            (DemoDataState.cancel_removal, ()),
            (DemoDataState.confirm_removal, (MEMBERS + 5,)),
        ):
            out = await call(handler, demo, *args)
            assert DENIED_MESSAGE in said(out), handler
        # The background half checks again inside the state's lock, even if it were armed.
        demo._armed = True
        assert await call(DemoDataState.run_removal, demo) == [None]
        assert not demo.dialog_open and demo.summary == "" and _demo_users(db) == MEMBERS + 5
        delta = str(await demo._get_root_state()._get_resolved_delta())
        assert "demo member" not in delta

    run(scenario())


def test_a_confirmation_without_the_dialog_or_with_a_bad_number_does_nothing(db: Session) -> None:
    async def scenario() -> None:
        demo = await page("thrust_access=admin")
        assert await call(DemoDataState.confirm_removal, demo, MEMBERS + 5) == [None]  # never asked
        for hostile in ("17", {"$gt": 0}, -1, True, None):
            out = await call(DemoDataState.confirm_removal, demo, hostile)
            assert BAD_REQUEST_MESSAGE in said(out), hostile
        assert demo.loaded and _demo_users(db) == MEMBERS + 5

    run(scenario())
