"""Settings: embedded defaults, generated secrets, and one clear line for a bad setting."""

from __future__ import annotations

import multiprocessing
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from thrust.core.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
OUR_VARIABLES = ("DATABASE_URL", "REDIS_URL", "JWT_SECRET", "OPENAI_API_KEY", "OPENAI_BASE_URL")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith("THRUST_") or name in OUR_VARIABLES:
            monkeypatch.delenv(name)
    monkeypatch.setenv("THRUST_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_embedded_defaults_use_a_sqlite_file_under_data(clean_env: Path) -> None:
    settings = load_settings()
    assert settings.db_url == f"sqlite:///{(clean_env / 'thrust.db').resolve()}"
    assert settings.redis_url is None
    assert settings.openai_api_key is None
    assert settings.allowed_origins == ["http://localhost:3000"]


def test_jwt_secret_is_generated_once_with_owner_only_permissions(clean_env: Path) -> None:
    first = load_settings().token_secret()
    second = load_settings().token_secret()
    secret_file = clean_env / "jwt_secret"
    assert first == second and len(first) >= 48
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600


def test_jwt_secret_from_environment_wins_and_must_be_long(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JWT_SECRET", "x" * 40)
    assert load_settings().token_secret() == "x" * 40
    assert not (clean_env / "jwt_secret").exists()
    monkeypatch.setenv("JWT_SECRET", "short")
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("DATABASE_URL", "not a url", "not a database URL"),
        ("DATABASE_URL", "mysql://root@localhost/gym", "not supported"),
        ("DATABASE_URL", "postgresql://", "no host"),
        ("REDIS_URL", "localhost:6379", "redis://"),
        ("THRUST_PUBLIC_URL", "gym.example.com", "http"),
        ("THRUST_PORT", "seventy", "integer"),
    ],
)
def test_a_malformed_setting_names_its_variable(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert caught.value.variable == variable
    assert problem in str(caught.value)


def test_postgres_urls_always_use_psycopg3(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://gym@db.internal:5432/gym")
    assert load_settings().db_url == "postgresql+psycopg://gym@db.internal:5432/gym"


def test_cors_origins_never_include_a_wildcard_by_default(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THRUST_PUBLIC_URL", "https://gym.example.com/")
    monkeypatch.setenv("THRUST_CORS_ORIGINS", "https://app.example.com, https://kiosk.example.com")
    settings = load_settings()
    assert settings.allowed_origins == [
        "https://gym.example.com",
        "https://app.example.com",
        "https://kiosk.example.com",
    ]
    assert settings.secure_cookies


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("THRUST_") and k not in OUR_VARIABLES}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": "postgres:/nope"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/thrust"}, "DATABASE_URL"),
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "REDIS_URL"),
        ({"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL"),
    ],
)
def test_startup_check_stops_with_one_clear_line(tmp_path: Path, env: dict[str, str], variable: str) -> None:
    result = _run(["-m", "thrust", "check"], {"THRUST_DATA_DIR": str(tmp_path), **env})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_reflex_config_refuses_a_bad_setting_without_a_traceback(tmp_path: Path) -> None:
    result = _run(["-c", "import rxconfig"], {"THRUST_DATA_DIR": str(tmp_path), "DATABASE_URL": "oops"})
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_startup_check_passes_on_embedded_defaults(tmp_path: Path) -> None:
    result = _run(["-m", "thrust", "check"], {"THRUST_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "sqlite" in result.stdout


# -- CORS origins and the signing key ---------------------------------------------------------------


@pytest.mark.parametrize("origins", ["*", "null", "https://app.example.com, https://*.example.com"])
def test_a_wildcard_or_null_cors_origin_stops_the_start_with_one_line(tmp_path: Path, origins: str) -> None:
    env = {"THRUST_DATA_DIR": str(tmp_path), "THRUST_CORS_ORIGINS": origins}
    result = _run(["-m", "thrust", "check"], env)
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "THRUST_CORS_ORIGINS" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    if origins == "*":  # Reflex's own start (rxconfig) refuses it the same way
        config = _run(["-c", "import rxconfig"], env)
        assert config.returncode == 2 and "THRUST_CORS_ORIGINS" in config.stderr, config.stderr


@pytest.mark.parametrize("origins", ["NULL", "https://kiosk.example.com, *", "app.example.com"])
def test_cors_origins_are_checked_when_the_settings_are_read(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, origins: str
) -> None:
    monkeypatch.setenv("THRUST_CORS_ORIGINS", origins)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert caught.value.variable == "THRUST_CORS_ORIGINS"


def _key_file(folder: Path, content: str, mode: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "jwt_secret"
    path.write_text(content)
    path.chmod(mode)
    return path


@pytest.mark.parametrize(
    ("content", "mode", "problem"),
    [
        ("k" * 64, 0o644, "chmod 600"),
        ("k" * 31, 0o600, "fewer than 32 bytes"),
    ],
)
def test_a_key_file_others_can_read_or_too_short_stops_the_start_with_one_line(
    tmp_path: Path, content: str, mode: int, problem: str
) -> None:
    key = _key_file(tmp_path, content, mode)
    result = _run(["-m", "thrust", "check"], {"THRUST_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "JWT_SECRET" in lines[0] and str(key) in lines[0] and problem in lines[0], lines[0]
    assert key.read_text() == content  # left for the operator to fix, never replaced


def test_a_private_key_file_of_32_bytes_is_accepted_and_others_are_refused(clean_env: Path) -> None:
    _key_file(clean_env, "k" * 32 + "\n", 0o600)
    assert load_settings().token_secret() == "k" * 32
    for content, mode in (("k" * 64, 0o640), ("k" * 64, 0o602), ("", 0o600)):
        _key_file(clean_env, content, mode)
        with pytest.raises(SettingsError, match="JWT_SECRET"):
            load_settings().token_secret()


def test_the_signing_key_is_read_once(clean_env: Path) -> None:
    settings = load_settings()
    first = settings.token_secret()
    (clean_env / "jwt_secret").write_text("replaced-" + "x" * 40)
    assert settings.token_secret() == first
    (clean_env / "jwt_secret").unlink()
    assert settings.token_secret() == first
    assert not (clean_env / "jwt_secret").exists()


def _race_for_the_key(folder: str, start: Any, results: Any) -> None:
    from thrust.core import settings

    # A slow disk: a file's content lands a while after the file itself (the window in which a
    # worker that finds the file would read it half written).
    real_fdopen = os.fdopen

    def slow_fdopen(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.2)
        return real_fdopen(*args, **kwargs)

    settings.os.fdopen = slow_fdopen  # type: ignore[assignment]  # this forked child only
    start.wait()
    try:
        results.put(("ok", settings._secret_file(Path(folder) / "jwt_secret")))
    except Exception as exc:  # reported to the test, not lost in the child
        results.put(("error", repr(exc)))


def test_workers_starting_together_all_get_the_one_complete_key(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for round_ in range(3):
        folder = tmp_path / f"round-{round_}"
        racers = 6
        start, results = context.Barrier(racers), context.Queue()
        workers = [
            context.Process(target=_race_for_the_key, args=(str(folder), start, results))
            for _ in range(racers)
        ]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
        keys = {value for status, value in outcomes if status == "ok"}
        assert [o for o in outcomes if o[0] == "error"] == [], outcomes
        assert len(keys) == 1, f"round {round_}: workers got {len(keys)} different keys: {outcomes}"
        key = keys.pop()
        assert len(key) >= 48 and (folder / "jwt_secret").read_text() == key
        assert stat.S_IMODE((folder / "jwt_secret").stat().st_mode) == 0o600
        assert [p.name for p in folder.iterdir()] == ["jwt_secret"]  # no temporary file left behind
