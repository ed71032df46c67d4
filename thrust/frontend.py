"""The web frontend's production build: made once, then reused at every start while nothing that shapes it
has changed (THRUST's code and assets, rxconfig.py, npm's lock, the Reflex packages, the public URL).

`reflex run --env prod` compiles the pages and rebuilds the bundle with npm at every start (about a
minute). Here the launcher builds only when the fingerprint of those inputs differs from the one stored
next to the last build, then serves that build with Reflex's own production server. Run as a module:

    python -m thrust.frontend build           build now and record the fingerprint (the Dockerfile does)
    python -m thrust.frontend serve [ARGS]    `reflex run --env prod ARGS`, reusing the recorded build
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from thrust.core.settings import PROJECT_ROOT, Settings

# Stored in .web/build/, beside (not inside) the client/ folder that is served: a rebuild deletes
# build/ first, so a build that fails halfway never leaves a fingerprint that claims it is complete.
RECORD_NAME = "thrust-build.json"
SERVED_INDEX = Path("client") / "index.html"
SOURCES = ("thrust/**/*.py", "rxconfig.py", "assets/**/*")
# npm's lock for the bundle's packages: Reflex installs from it and writes it back after installing,
# so it counts as the build leaves it (a fresh install may pin it for the first time).
LOCK = ("reflex.lock/*",)
# Reflex links shared component assets into assets/external/ while it compiles: an output, not a source.
GENERATED = ("assets/external/",)
# Variables that say where things live, how to log or which package manager runs npm: they never reach
# the bundle. Every other REFLEX_*/VITE_* variable counts, so an unknown one causes a rebuild, never a
# stale bundle.
RUNTIME_ONLY = frozenset(
    {
        "REFLEX_WEB_WORKDIR",
        "REFLEX_STATES_WORKDIR",
        "REFLEX_USE_NPM",
        "REFLEX_TELEMETRY_ENABLED",
        "REFLEX_LOG_JSON",
        "REFLEX_LOG_FILE",
        "REFLEX_LOGLEVEL",
        "REFLEX_MANAGED_LOGGING",
        "REFLEX_OUTPUT_SUPERVISED",
        "REFLEX_CHECK_LATEST_VERSION",
    }
)


@dataclass(frozen=True)
class BuildRecord:
    """What the last finished build was made from, and when."""

    fingerprint: str
    built_at: str


def web_dir(env: Mapping[str, str] | None = None) -> Path:
    """Reflex's .web folder (REFLEX_WEB_WORKDIR, relative to the project, which Reflex runs in)."""
    env = os.environ if env is None else env
    return PROJECT_ROOT / env.get("REFLEX_WEB_WORKDIR", ".web")


def record_path(env: Mapping[str, str] | None = None) -> Path:
    return web_dir(env) / "build" / RECORD_NAME


def source_files(root: Path = PROJECT_ROOT, patterns: Iterable[str] = SOURCES) -> list[Path]:
    """Every file whose content shapes the compiled pages or the bundle, in a stable order."""
    found: set[Path] = set()
    for pattern in patterns:
        for path in root.glob(pattern):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and "__pycache__" not in path.parts and not relative.startswith(GENERATED):
                found.add(path)
    return sorted(found)


def fingerprint(settings: Settings, env: Mapping[str, str], root: Path = PROJECT_ROOT) -> str:
    """A hash of the sources, the npm lock, the Reflex packages and the settings a build writes into
    the bundle."""
    return combine(inputs_digest(settings, env, root), lock_digest(root))


def inputs_digest(settings: Settings, env: Mapping[str, str], root: Path = PROJECT_ROOT) -> str:
    """Everything but the npm lock: taken before a build, so edits made while it runs count next time."""
    digest = _Digest()
    for path in source_files(root):
        digest.add(path.relative_to(root).as_posix(), hashlib.sha256(path.read_bytes()).digest())
    for name, version in _reflex_packages():
        digest.add("package", name, version)
    # The socket's and the API's address are written into the bundle (Reflex's env.json); the port the
    # server listens on is not (behind a proxy or a port mapping it differs from the public one).
    digest.add("public_url", settings.public_url)
    for name in sorted(env):
        if name.startswith(("REFLEX_", "VITE_")) and name not in RUNTIME_ONLY:
            digest.add("env", name, env[name])
    return digest.hexdigest()


def lock_digest(root: Path = PROJECT_ROOT) -> str:
    digest = _Digest()
    for path in source_files(root, LOCK):
        digest.add(path.relative_to(root).as_posix(), hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def combine(inputs: str, lock: str) -> str:
    return hashlib.sha256(f"{inputs}:{lock}".encode()).hexdigest()


class _Digest:
    """sha256 over a sequence of parts, each ended by a NUL (so parts cannot run into each other)."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, *parts: str | bytes) -> None:
        for part in parts:
            self._hash.update(part.encode() if isinstance(part, str) else part)
            self._hash.update(b"\0")

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _reflex_packages() -> Iterable[tuple[str, str]]:
    """Reflex and its component packages: their templates and npm dependencies make the bundle."""
    found = {
        (dist.metadata["Name"].lower().replace("_", "-"), dist.version)
        for dist in metadata.distributions()
        if dist.metadata["Name"] and dist.metadata["Name"].lower().startswith("reflex")
    }
    return sorted(found)


def read_record(env: Mapping[str, str] | None = None) -> BuildRecord | None:
    """The last finished build's record, or None when there is none (or only a half-built folder)."""
    path = record_path(env)
    if not (path.parent / SERVED_INDEX).is_file():
        return None
    try:
        data = json.loads(path.read_text())
        return BuildRecord(fingerprint=str(data["fingerprint"]), built_at=str(data["built_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def current_build(settings: Settings, env: Mapping[str, str]) -> BuildRecord | None:
    """The last build if it was made from exactly today's inputs; None means build again."""
    record = read_record(env)
    if record is None or record.fingerprint != fingerprint(settings, env):
        return None
    return record


def write_record(made_from: str, env: Mapping[str, str] | None = None) -> BuildRecord:
    """Record a finished build and the fingerprint of the inputs it was made from."""
    record = BuildRecord(fingerprint=made_from, built_at=datetime.now(UTC).isoformat(timespec="seconds"))
    path = record_path(env)
    path.write_text(json.dumps({"fingerprint": record.fingerprint, "built_at": record.built_at}) + "\n")
    return record


def module_command(*args: str) -> list[str]:
    """How the launcher runs this module in a process of its own."""
    return [sys.executable, "-m", "thrust.frontend", *args]


# --------------------------------------------------------------------------------------------
# Running as `python -m thrust.frontend`: Reflex's own CLI, in this process
# --------------------------------------------------------------------------------------------


def _build() -> int:
    """`reflex export --frontend-only`: the same compile and bundle as `reflex run --env prod` makes."""
    from thrust.core.settings import get_settings

    reflex_cli = importlib.import_module("reflex.reflex")

    inputs = inputs_digest(get_settings(), os.environ)  # before the build: edits during it count next time
    record_path().unlink(missing_ok=True)
    try:
        reflex_cli.cli.main(
            ["export", "--frontend-only", "--no-zip", "--env", "prod"],
            prog_name="reflex",
            standalone_mode=False,
        )
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            return exit_.code if isinstance(exit_.code, int) else 1
    if not (record_path().parent / SERVED_INDEX).is_file():
        print("error: the web frontend build finished without an index.html", file=sys.stderr)
        return 1
    record = write_record(combine(inputs, lock_digest()))
    print(f"Built the web frontend ({record.fingerprint[:12]}).", flush=True)
    return 0


def _serve(args: list[str]) -> int:
    """`reflex run --env prod ARGS` without its compile and npm build: the recorded build is served."""
    from thrust.core.reflex_compat import skip_prod_build_steps

    reflex_cli = importlib.import_module("reflex.reflex")

    # `reflex run --env prod` compiles the pages and rebuilds the bundle before it serves; both already
    # happened when the record was written. If a later Reflex moves those steps, nothing is skipped
    # and Reflex simply builds again (slow, not wrong).
    skip_prod_build_steps()
    reflex_cli.cli.main(["run", "--env", "prod", *args], prog_name="reflex")
    return 0


def main(argv: list[str]) -> int:
    from thrust.core.reflex_compat import output_needs_supervisor, supervise_output

    if output_needs_supervisor():
        # Reflex re-runs `python -m reflex` under a JSON-writing parent; re-run this module instead,
        # or the child would be a plain `reflex run` that rebuilds.
        return supervise_output(module_command(*argv))
    if argv[:1] == ["build"]:
        return _build()
    if argv[:1] == ["serve"]:
        return _serve(argv[1:])
    print("usage: python -m thrust.frontend build | serve [reflex run options]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
