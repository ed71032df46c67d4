"""System fixtures: the auth ones (fast bcrypt, accounts of each role, sign-in), and the command line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from tests.auth.conftest import fast_bcrypt, make_user, sign_in  # noqa: F401
from thrust.cli import main
from thrust.core import db as core_db
from thrust.core.settings import get_settings


@dataclass
class Ran:
    code: int
    out: str
    err: str


Cli = Callable[..., Ran]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    """Run `python -m thrust ...` in this process with DATABASE_URL set; what a user sees comes back."""

    def run(*argv: str, database_url: str) -> Ran:
        monkeypatch.setenv("DATABASE_URL", database_url)
        get_settings.cache_clear()
        core_db.set_engine(None)
        capsys.readouterr()
        try:
            code = main(list(argv))
        finally:
            engine = core_db._engine
            if engine is not None:
                engine.dispose()
            core_db.set_engine(None)
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    yield run
    get_settings.cache_clear()
