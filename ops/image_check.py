"""Prove the Dockerfile with podman (`make image-check`, by hand): build the image on a Debian bookworm base
made from Debian's packages, run it, sign in, check a member in, restart it and find the data still there.

No container registry is needed: the base image (Python 3.11 from bookworm) is made with debootstrap.
Needs root and `apt-get install podman runc debootstrap`. The host's pip settings and CA bundle are
passed to the build as read-only mounts and a build argument; nothing of the host goes into the image.
Prints the image size and the start time (container start to /api/v1/ready answering 200).
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASE_IMAGE = "localhost/bookworm-py:3.11"
IMAGE = "localhost/thrust:check"
CONTAINER = "thrust-check"
VOLUME = "thrust-check-data"
# This machine's podman: crun refuses its hybrid cgroups (runc with cgroupfs works), the default
# ulimits exceed its hard limits, and --network=host needs no bridge.
PODMAN = ["podman", "--runtime", "runc", "--cgroup-manager=cgroupfs"]
LIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
ADMIN_EMAIL = "owner@check.example"
ADMIN_PASSWORD = "Image-Check-9!pass"
READY_TIMEOUT = 600


class CheckFailed(Exception):
    """A step of the check went wrong; the message says which and why."""


def say(message: str) -> None:
    print(message, flush=True)


def podman(*args: str, check: bool = True, capture: bool = True, stdin: str | None = None) -> str:
    result = subprocess.run([*PODMAN, *args], input=stdin, text=True, capture_output=capture, check=False)
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout or "").strip()[-2000:] if capture else ""
        raise CheckFailed(f"podman {' '.join(args[:2])} failed (exit {result.returncode}): {detail}")
    return (result.stdout or "").strip() if capture else ""


# --------------------------------------------------------------------------------------------
# The base image and the build
# --------------------------------------------------------------------------------------------


def debian_mirror() -> str:
    for source in sorted(Path("/etc/apt/sources.list.d").glob("*")):
        for line in source.read_text().splitlines():
            if line.startswith("URIs:") and "debian" in line:
                return line.split()[1]
    return "http://deb.debian.org/debian"


def make_base(fresh: bool) -> None:
    """Debian bookworm (Python 3.11) from Debian's packages, imported as a local image."""
    if not fresh and subprocess.run([*PODMAN, "image", "exists", BASE_IMAGE], check=False).returncode == 0:
        say(f"Base image {BASE_IMAGE} is there (--fresh-base makes it again).")
        return
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bookworm-root-") as folder:
        say(f"Making {BASE_IMAGE} with debootstrap from {debian_mirror()} (about a minute)...")
        packages = "python3,python3-venv,python-is-python3,ca-certificates"
        subprocess.run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={packages}",
                "bookworm",
                folder,
                debian_mirror(),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # Like Debian's official images: no downloaded packages or package lists (the build updates them).
        for leftovers in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for path in Path(folder, leftovers).glob("*"):
                if path.is_file():
                    path.unlink()
        tar = subprocess.Popen(["tar", "-C", folder, "-c", "."], stdout=subprocess.PIPE)
        subprocess.run(
            [*PODMAN, "import", "-", BASE_IMAGE], stdin=tar.stdout, check=True, capture_output=True
        )
        tar.wait()
    say(f"Base image made in {time.monotonic() - started:.0f} s.")


def pip_settings() -> dict[str, str]:
    """The host's pip settings (`pip config list`, files and PIP_* variables), later ones winning."""
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    ).stdout
    found: dict[str, str] = {}
    for line in sorted(listing.splitlines(), key=lambda text: text.startswith(":env:")):
        key, _, value = line.partition("=")
        name = key.rsplit(".", 1)[-1]
        if name and value:
            found[name] = value.strip().strip("'\"")
    return found


def build_mounts(work: Path) -> tuple[list[str], list[str]]:
    """Read-only mounts and build arguments that let pip and npm in the build reach what the host does."""
    mounts: list[str] = []
    args: list[str] = []
    settings = pip_settings()
    if settings:
        config = work / "pip.conf"
        config.write_text("[global]\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()))
        mounts += ["-v", f"{config}:/etc/pip.conf:ro"]
        # Local package folders, constraint files and CA files it names, at the same paths.
        for value in settings.values():
            for word in value.split():
                path = Path(word.removeprefix("file://"))
                if path.name == "simple":
                    path = path.parent  # a local index: its pages link to files beside simple/
                if path.is_absolute() and path.exists() and path != HOST_CA:
                    mounts += ["-v", f"{path}:{path}:ro"]
    if HOST_CA.exists():
        # The host's CA bundle (a TLS-inspecting proxy's CA among them) for apt, pip and npm.
        mounts += ["-v", f"{HOST_CA}:{HOST_CA}:ro"]
        args += ["--build-arg", f"NODE_EXTRA_CA_CERTS={HOST_CA}"]
    return mounts, args


def build_image(public_url: str, log_path: Path, no_cache: bool) -> float:
    with tempfile.TemporaryDirectory(prefix="image-check-") as folder:
        mounts, args = build_mounts(Path(folder))
        command = [
            *PODMAN, "build", "--format", "docker", "--network=host", *LIMITS, *mounts,
            "--build-arg", f"BASE_IMAGE={BASE_IMAGE}", "--build-arg", f"THRUST_PUBLIC_URL={public_url}",
            *args, *(["--no-cache"] if no_cache else []), "-t", IMAGE, str(ROOT),
        ]  # fmt: skip
        say(f"Building {IMAGE} (BASE_IMAGE={BASE_IMAGE}); the build's output goes to {log_path}...")
        started = time.monotonic()
        with log_path.open("w") as log:
            result = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
        elapsed = time.monotonic() - started
    if result.returncode != 0:
        tail = "\n".join(log_path.read_text().splitlines()[-60:])
        raise CheckFailed(f"the image did not build (exit {result.returncode}):\n{tail}")
    return elapsed


# --------------------------------------------------------------------------------------------
# Talking to the running container
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 3000)) != 0:
            return 3000  # the image's own port when it is free here
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(
    url: str, method: str = "GET", body: dict[str, Any] | None = None, **headers: str
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def wait_ready(base: str, since: float) -> float:
    """Seconds from `since` until /api/v1/ready answers 200."""
    while time.monotonic() - since < READY_TIMEOUT:
        try:
            with urllib.request.urlopen(f"{base}/api/v1/ready", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - since
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if podman("inspect", "--format", "{{.State.Running}}", CONTAINER, check=False) == "false":
            raise CheckFailed("the container stopped")
        time.sleep(0.2)
    raise CheckFailed(f"not ready after {READY_TIMEOUT} s")


def logs(tail: int | None = None) -> str:
    """The container's output, stdout and stderr together."""
    args = [*PODMAN, "logs", *(["--tail", str(tail)] if tail else []), CONTAINER]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    return result.stdout + result.stderr


def sign_in(base: str) -> dict[str, str]:
    status, body = call(
        f"{base}/api/v1/auth/login",
        "POST",
        {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "useCookies": False},
        Origin=base,
    )
    if status != 200:
        raise CheckFailed(f"sign-in answered {status}: {body}")
    return {"Authorization": f"Bearer {body['data']['accessToken']}"}


def start_and_time(base: str) -> float:
    started = time.monotonic()
    podman("start", CONTAINER)
    return wait_ready(base, started)


# --------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------


def run_check(args: argparse.Namespace) -> int:
    for tool in ("podman", "runc", "debootstrap"):
        if shutil.which(tool) is None:
            raise CheckFailed(f"{tool} is missing: apt-get install -y podman runc debootstrap")
    port = free_port()
    base = f"http://localhost:{port}"
    make_base(args.fresh_base)
    log_path = Path(tempfile.gettempdir()) / "thrust-image-build.log"
    build_seconds = build_image(base, log_path, args.no_cache)
    size = int(podman("image", "inspect", "--format", "{{.Size}}", IMAGE))
    say(f"Built in {build_seconds:.0f} s: image size {size / 1e6:.0f} MB.")

    podman("rm", "--force", CONTAINER, check=False)
    podman("volume", "rm", "--force", VOLUME, check=False)
    podman(
        "create", "--name", CONTAINER, "--network=host", *LIMITS,
        "-e", f"THRUST_PORT={port}", "-v", f"{VOLUME}:/data", IMAGE,
    )  # fmt: skip
    try:
        starts = [start_and_time(base)]
        say(f"First start (empty volume, migrations): ready in {starts[0]:.1f} s on {base}.")
        if "Reusing the web frontend" not in logs():
            raise CheckFailed("the container built its frontend at start instead of using the image's")
        user = podman("exec", CONTAINER, "id", "-un")
        say(f"Runs as {user!r}; served the frontend built into the image.")
        health = subprocess.run([*PODMAN, "healthcheck", "run", CONTAINER], capture_output=True, text=True)
        if health.returncode != 0:
            raise CheckFailed(f"HEALTHCHECK failed: {health.stdout}{health.stderr}")
        say("HEALTHCHECK (curl /api/v1/health inside the container): healthy.")

        created = podman(
            "exec", "-i", CONTAINER, "python", "-m", "thrust", "create-admin",
            "--email", ADMIN_EMAIL, "--name", "Image Check", "--password-stdin", stdin=ADMIN_PASSWORD + "\n",
        )  # fmt: skip
        say(created)
        auth = sign_in(base)
        say(f"Signed in over the API as {ADMIN_EMAIL}.")
        member_body = {
            "fullName": "Ida Check",
            "email": "ida.check@check.example",
            "membershipStart": str(date.today() - timedelta(days=1)),
            "membershipEnd": str(date.today() + timedelta(days=30)),
        }
        status, member = call(f"{base}/api/v1/members", "POST", member_body, **auth)
        if status != 201:
            raise CheckFailed(f"creating a member answered {status}: {member}")
        member_id = member["data"]["id"]
        status, visit = call(f"{base}/api/v1/check-ins", "POST", {"memberId": member_id}, **auth)
        if status != 201:
            raise CheckFailed(f"the check-in answered {status}: {visit}")
        say(f"Created member {member_id} and checked them in.")

        for _ in range(2):
            podman("stop", CONTAINER)
            starts.append(start_and_time(base))
            say(f"Restarted: ready in {starts[-1]:.1f} s.")
        auth = sign_in(base)
        status, found = call(f"{base}/api/v1/members/{member_id}", **auth)
        if status != 200 or found["data"]["fullName"] != "Ida Check":
            raise CheckFailed(f"after the restarts the member is gone ({status}): {found}")
        status, visits = call(f"{base}/api/v1/check-ins?memberId={member_id}&open=true", **auth)
        if status != 200 or [v["memberId"] for v in visits["data"]] != [member_id]:
            raise CheckFailed(f"after the restarts the open visit is gone ({status}): {visits}")
        say("After the restarts the admin signs in, the member is there and still checked in.")
    except CheckFailed:
        say(f"The container's last lines:\n{logs(60)}")
        raise
    finally:
        if not args.keep:
            podman("rm", "--force", CONTAINER, check=False)
            podman("volume", "rm", "--force", VOLUME, check=False)

    say("")
    say(f"Image {IMAGE}: {size / 1e6:.0f} MB (base {BASE_IMAGE}), built in {build_seconds:.0f} s")
    say(
        "Start to /api/v1/ready 200: "
        + ", ".join(f"{seconds:.1f} s" for seconds in starts)
        + f" (median {statistics.median(starts):.1f} s)"
    )
    say("Image check passed.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh-base", action="store_true", help="make the Debian base image again")
    parser.add_argument("--no-cache", action="store_true", help="build every layer again")
    parser.add_argument("--keep", action="store_true", help="keep the container and its volume afterwards")
    try:
        return run_check(parser.parse_args())
    except (CheckFailed, subprocess.CalledProcessError) as problem:
        print(f"image check FAILED: {problem}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
