"""What makes `serve` build the frontend again: sources, the public URL, build-shaping variables; not
where files live or how it logs (tests/system/test_fast_restart.py runs the real restarts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from thrust import frontend
from thrust.core.settings import Settings


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    (root / "thrust" / "ui").mkdir(parents=True)
    (root / "thrust" / "ui" / "pages.py").write_text("TITLE = 'Members'\n")
    (root / "assets").mkdir()
    (root / "assets" / "thrust.css").write_text("body { color: black; }\n")
    (root / "rxconfig.py").write_text("config = None\n")
    return root


def print_of(root: Path, url: str = "http://localhost:3000", **env: str) -> str:
    return frontend.fingerprint(Settings(public_url=url), env, root=root)


def test_a_changed_source_asset_or_config_changes_the_fingerprint(tree: Path) -> None:
    before = print_of(tree)
    assert print_of(tree) == before

    (tree / "thrust" / "ui" / "pages.py").write_text("TITLE = 'People'\n")
    after_code = print_of(tree)
    (tree / "assets" / "logo.svg").write_text("<svg/>")
    after_asset = print_of(tree)
    (tree / "rxconfig.py").write_text("config = 1\n")
    after_config = print_of(tree)
    (tree / "reflex.lock").mkdir()
    (tree / "reflex.lock" / "package-lock.json").write_text('{"packages": {}}')
    after_lock = print_of(tree)
    assert len({before, after_code, after_asset, after_config, after_lock}) == 5


def test_the_public_url_and_build_variables_count_but_runtime_places_and_logging_do_not(tree: Path) -> None:
    before = print_of(tree)
    assert print_of(tree, url="https://gym.example.com") != before
    assert print_of(tree, REFLEX_API_URL="https://api.example.com") != before
    assert print_of(tree, VITE_MINIFY="false") != before
    assert (
        print_of(
            tree,
            REFLEX_WEB_WORKDIR="/elsewhere/.web",
            REFLEX_STATES_WORKDIR="/tmp/states",
            REFLEX_LOG_JSON="true",
            REFLEX_USE_NPM="1",
            PATH="/usr/bin",
            THRUST_DATA_DIR="/data",
        )
        == before
    )


def test_generated_files_do_not_count(tree: Path) -> None:
    before = print_of(tree)
    (tree / "assets" / "external").mkdir()
    (tree / "assets" / "external" / "linked.js").write_text("// Reflex links this while compiling")
    (tree / "thrust" / "ui" / "__pycache__").mkdir()
    (tree / "thrust" / "ui" / "__pycache__" / "pages.cpython-311.py").write_text("")
    assert print_of(tree) == before


def test_only_a_finished_build_with_a_matching_record_is_reused(tmp_path: Path) -> None:
    env = {"REFLEX_WEB_WORKDIR": str(tmp_path / ".web")}
    settings = Settings(public_url="http://localhost:3000")
    assert frontend.current_build(settings, env) is None  # never built

    build = tmp_path / ".web" / "build"
    (build / "client").mkdir(parents=True)
    frontend.write_record(frontend.fingerprint(settings, env), env)
    assert frontend.current_build(settings, env) is None  # no index.html: a half-made build

    (build / "client" / "index.html").write_text("<html></html>")
    record = frontend.current_build(settings, env)
    assert record is not None and record == frontend.read_record(env)
    assert frontend.current_build(Settings(public_url="https://gym.example.com"), env) is None

    (build / frontend.RECORD_NAME).write_text(json.dumps({"fingerprint": 1}))  # damaged
    assert frontend.current_build(settings, env) is None
