"""`check` and `serve`: validate the settings, then migrate, load demo data if empty and serve the app."""

from __future__ import annotations

import argparse

from thrust.cli.base import EXIT_OK, CommandError, command
from thrust.cli.seed import _cmd_seed, _member_count, login_lines
from thrust.core.settings import Settings


@command("check")
def _cmd_check(args: argparse.Namespace) -> int:
    """validate the settings and reach the database (and Redis)

    Read every setting and connect to what they name; one line per problem.
    """
    from thrust.launcher import preflight

    settings = preflight()
    database = settings.db_url.split("://", 1)[0]
    redis = "Redis" if settings.redis_url else "in-process state (no Redis)"
    print(f"Settings OK: {database} database reachable, {redis}, serving on {settings.public_url}")
    return EXIT_OK


def _serve_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "--members", type=_member_count, default=10_000, help="demo members for an empty database (10000)"
    )
    demo = serve.add_mutually_exclusive_group()
    demo.add_argument("--no-demo", action="store_true", help="never load demo data")
    demo.add_argument(
        "--demo",
        action="store_true",
        help="serve demo data even though THRUST_PUBLIC_URL is not this machine (published passwords!)",
    )
    serve.add_argument(
        "--timezone", help="the demo gym's time zone when demo data is loaded, e.g. Europe/Berlin (IANA name)"
    )


@command("serve", _serve_arguments)
def _cmd_serve(args: argparse.Namespace) -> int:
    """check, migrate, load demo data into an empty database, and serve the app

    Start THRUST in production mode: pages, WebSocket and /api/v1 on one port.
    """
    from thrust import launcher
    from thrust.core.db import session_scope
    from thrust.demo.service import has_demo_accounts

    settings = launcher.preflight()
    print("Migrating the database...", flush=True)
    launcher.migrate_to_head()
    with session_scope(read_only=True) as session:
        empty = launcher.user_count(session) == 0
        demo_accounts = has_demo_accounts(session)
    problem = launcher.demo_refusal(
        settings, would_seed=empty and not args.no_demo, demo_accounts=demo_accounts, allow_demo=args.demo
    )
    if problem is not None:
        raise CommandError(problem)
    if empty and not args.no_demo:
        seeded = _cmd_seed(
            argparse.Namespace(
                members=args.members, reset=False, if_empty=True, no_progress=False, timezone=args.timezone
            )
        )
        if seeded != EXIT_OK:
            return seeded
    print(
        f"Starting THRUST on {settings.public_url} (the first start builds the web frontend)...", flush=True
    )
    return launcher.serve(settings, _start_banner(settings, no_accounts=empty and args.no_demo))


def _start_banner(settings: Settings, *, no_accounts: bool) -> list[str]:
    """What `serve` prints once the app is up: where it runs, and every demo login while any is left."""
    from thrust import launcher

    banner = [f"THRUST is running at {settings.public_url}"]
    logins = launcher.current_demo_logins()  # the database now, not what a seed once reported
    if logins is not None:
        shown = launcher.shown_admin_password(logins, settings)
        banner += [
            "Demo logins (remove them in the app, or: python -m thrust remove-demo-data --yes):",
            *login_lines(logins.admin_email, shown, logins.trainer_emails, logins.member_example),
        ]
        if shown == launcher.DEMO_ADMIN_PASSWORD:
            banner.append(
                f"Change the password of {logins.admin_email} before anyone else can reach this server."
            )
    elif launcher.demo_admin_uses_default_password():
        banner.append(
            f"Demo login: {launcher.DEMO_ADMIN_EMAIL} / {launcher.DEMO_ADMIN_PASSWORD} (change it!)"
        )
    elif no_accounts:
        banner.append("No accounts yet: python -m thrust create-admin --email you@yourgym.com")
    banner.append("Stop with Ctrl+C.")
    return banner
