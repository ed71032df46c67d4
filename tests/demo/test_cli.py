"""Demo data on the command line: `serve` refuses it on a public address, `remove-demo-data`, the banner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

import thrust.demo_data as demo_data
from tests.conftest import ENGINES, Databases, migrate
from tests.test_demo_data import _thrust, _users, cli_db  # noqa: F401  (cli_db: the fixture)
from thrust import cli, launcher
from thrust.cli.serving import _start_banner
from thrust.core.db import build_engine, session_scope, set_engine
from thrust.core.security import hash_password
from thrust.core.settings import Settings, get_settings
from thrust.demo.service import console_actor, remove_demo_data
from thrust.models import User

PUBLIC = {"THRUST_PUBLIC_URL": "https://gym.example.com"}


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


# -- serve on a public address ----------------------------------------------------------------------------


def test_serve_refuses_to_load_demo_data_when_the_public_url_is_not_this_machine(
    cli_db: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    result = _thrust(cli_db, tmp_path, "serve", "--members", "20", env=PUBLIC)
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = _errors(result.stderr)
    assert line.startswith("error: THRUST_PUBLIC_URL is https://gym.example.com") and "--demo" in line
    assert "--no-demo" in line and "Starting THRUST" not in result.stdout
    assert _users(cli_db) == {}  # nothing seeded


def test_serve_refuses_demo_accounts_left_in_the_database_even_with_no_demo(
    cli_db: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    assert _thrust(cli_db, tmp_path, "seed", "--members", "10", "--no-progress").returncode == 0
    for flags in ((), ("--no-demo",)):
        result = _thrust(cli_db, tmp_path, "serve", *flags, env=PUBLIC)
        assert result.returncode == 1, result.stdout + result.stderr
        [line] = _errors(result.stderr)
        assert line.startswith("error: THRUST_PUBLIC_URL is https://gym.example.com")
        assert "remove-demo-data" in line and "--demo" in line
        assert "Starting THRUST" not in result.stdout
    assert len(_users(cli_db)) == 16  # left as it was


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:3000",
        "http://LOCALHOST",
        "http://127.0.0.1:8000",
        "http://127.0.0.2",
        "http://[::1]:3000",
        "http://gym.localhost",
    ],
)
def test_this_machine_may_serve_demo_data(url: str) -> None:
    settings = Settings(public_url=url)
    assert launcher.demo_refusal(settings, would_seed=True, demo_accounts=True, allow_demo=False) is None


@pytest.mark.parametrize(
    "url",
    ["https://gym.example.com", "http://192.168.1.20:3000", "http://0.0.0.0:3000", "http://[2001:db8::1]"],
)
def test_any_other_address_needs_demo_to_serve_demo_data(url: str) -> None:
    settings = Settings(public_url=url)
    for would_seed, accounts in ((True, False), (False, True), (True, True)):
        said = launcher.demo_refusal(
            settings, would_seed=would_seed, demo_accounts=accounts, allow_demo=False
        )
        assert said is not None and "THRUST_PUBLIC_URL" in said and "--demo" in said
        assert (
            launcher.demo_refusal(settings, would_seed=would_seed, demo_accounts=accounts, allow_demo=True)
            is None
        )
    # No demo data to load nor left: nothing to refuse.
    assert launcher.demo_refusal(settings, would_seed=False, demo_accounts=False, allow_demo=False) is None


# -- remove-demo-data -------------------------------------------------------------------------------------


def test_remove_demo_data_says_what_goes_and_needs_yes(cli_db: str, tmp_path: Path) -> None:  # noqa: F811
    assert _thrust(cli_db, tmp_path, "seed", "--members", "10", "--no-progress").returncode == 0

    asked = _thrust(cli_db, tmp_path, "remove-demo-data")
    assert asked.returncode == 1
    assert asked.stdout.startswith("This would permanently delete 10 demo members with their ")
    assert _errors(asked.stderr) == ["error: nothing removed: run again with --yes to remove it"]
    assert len(_users(cli_db)) == 16

    done = _thrust(cli_db, tmp_path, "remove-demo-data", "--yes")
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.startswith("Removed 10 demo members with their ") and "and 5 demo trainers" in done.stdout
    )
    assert set(_users(cli_db)) == {demo_data.ADMIN_EMAIL}

    again = _thrust(cli_db, tmp_path, "remove-demo-data", "--yes")
    assert (again.returncode, again.stdout.strip()) == (0, "There is no demo data to remove.")


# -- the start banner ------------------------------------------------------------------------------------


@pytest.fixture(params=ENGINES)
def empty(
    request: pytest.FixtureRequest, databases: Databases, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    monkeypatch.setattr(demo_data, "hash_password", lambda password: hash_password(password, rounds=4))
    engine = build_engine(databases.new_url(request.param))
    migrate(engine)
    set_engine(engine)
    get_settings.cache_clear()
    yield engine
    set_engine(None)
    get_settings.cache_clear()
    engine.dispose()


def test_the_start_banner_lists_every_demo_login_the_database_holds(empty: Engine) -> None:
    assert cli.main(["seed", "--members", "5", "--no-progress"]) == cli.EXIT_OK
    with session_scope(read_only=True) as session:
        trainers = session.execute(sa.select(User.email).where(User.role == "TRAINER")).scalars().all()
        members = session.execute(sa.select(User.email).where(User.role == "MEMBER")).scalars().all()
    banner = "\n".join(_start_banner(get_settings(), no_accounts=False))
    assert f"{demo_data.ADMIN_EMAIL}" in banner and demo_data.DEFAULT_ADMIN_PASSWORD in banner
    assert len(trainers) == 5 and all(email in banner for email in trainers)
    assert banner.count(demo_data.TRAINER_PASSWORD) == 5
    assert any(f"e.g. {email}" in banner for email in members) and demo_data.MEMBER_PASSWORD in banner
    assert "remove-demo-data" in banner

    # Once the demo is removed, only the admin's published password is left to warn about.
    with session_scope() as session:
        remove_demo_data(session, console_actor(session))
    banner = "\n".join(_start_banner(get_settings(), no_accounts=False))
    assert not any(email in banner for email in trainers) and demo_data.TRAINER_PASSWORD not in banner
    assert f"Demo login: {demo_data.ADMIN_EMAIL} / {demo_data.DEFAULT_ADMIN_PASSWORD} (change it!)" in banner


def test_the_banner_never_shows_a_password_that_does_not_work(
    empty: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THRUST_ADMIN_PASSWORD", "Owner-Chosen-9!")
    get_settings.cache_clear()
    assert cli.main(["seed", "--members", "3", "--no-progress"]) == cli.EXIT_OK
    banner = "\n".join(_start_banner(get_settings(), no_accounts=False))
    assert "(THRUST_ADMIN_PASSWORD)" in banner and demo_data.DEFAULT_ADMIN_PASSWORD not in banner
    monkeypatch.delenv("THRUST_ADMIN_PASSWORD")
    get_settings.cache_clear()
    banner = "\n".join(_start_banner(get_settings(), no_accounts=False))
    assert "(changed since)" in banner and "THRUST_ADMIN_PASSWORD" not in banner
