"""The `python -m thrust` command line: one function per command, errors as one `error:` line.

To add a command, write `_cmd_<name>(args) -> int` under `@command("<name>", <add its arguments>)`:
its docstring's first line is the command's help in the list, the rest the description of its --help.
Commands call services; rules live there, not here.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
from collections.abc import Callable
from getpass import getpass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from thrust.auth.passwords import password_problems
from thrust.core.errors import Conflict, DomainError, ValidationFailed
from thrust.core.settings import Settings, SettingsError, get_settings
from thrust.demo_data import DemoDataError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INTERRUPTED = 130
MAX_SEED_MEMBERS = 1_000_000

Handler = Callable[[argparse.Namespace], int]
Arguments = Callable[[argparse.ArgumentParser], None]
COMMANDS: list[tuple[str, Handler, Arguments | None]] = []  # in the order `--help` lists them


def command(name: str, arguments: Arguments | None = None) -> Callable[[Handler], Handler]:
    """Make the decorated `_cmd_*` function the command `name`; `arguments` adds its options."""

    def register(handler: Handler) -> Handler:
        COMMANDS.append((name, handler, arguments))
        return handler

    return register


class CommandError(Exception):
    """A command cannot go on; the message is printed as one `error:` line."""


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code (0 on success)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handler(args)
    except ValidationFailed as exc:
        # One line per broken rule, so every password problem is visible at once.
        for problem in exc.details or []:
            _error(problem.message)
        if not exc.details:
            _error(exc.message)
        return EXIT_ERROR
    except (CommandError, DemoDataError, DomainError, SettingsError) as exc:
        _error(str(exc))
        return EXIT_ERROR
    except SQLAlchemyError as exc:
        _error(_database_problem(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m thrust", description="THRUST gym management.")
    commands = parser.add_subparsers(title="commands", metavar="<command>")
    for name, handler, arguments in COMMANDS:
        summary, _, description = inspect.cleandoc(handler.__doc__ or "").partition("\n")
        subparser = commands.add_parser(name, help=summary, description=description.strip())
        if arguments is not None:
            arguments(subparser)
        subparser.set_defaults(handler=handler)
    return parser


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _database_problem(exc: SQLAlchemyError) -> str:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    if "no such table" in reason or ("relation" in reason and "does not exist" in reason):
        return f"the database has no THRUST tables yet; migrate it first (alembic upgrade head): {reason}"
    return f"database error: {reason}"


def login_lines(
    admin_email: str | None, admin_password: str, trainer_emails: list[str], member_example: str | None
) -> list[str]:
    """The demo logins as `seed` and the start banner print them: a column of logins, one of passwords."""
    from thrust.demo_data import MEMBER_PASSWORD, TRAINER_PASSWORD

    example = f"e.g. {member_example}" if member_example else "any member's email"
    width = max(len(login) for login in (admin_email or "", example, *trainer_emails)) + 2
    lines = [f"  admin     {admin_email:<{width}}{admin_password}"] if admin_email else []
    for n, email in enumerate(trainer_emails):
        lines.append(f"  {'trainers' if n == 0 else '':<9} {email:<{width}}{TRAINER_PASSWORD}")
    lines.append(f"  members   {example:<{width}}{MEMBER_PASSWORD}")
    return lines


# --------------------------------------------------------------------------------------------
# seed
# --------------------------------------------------------------------------------------------


def _member_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= value <= MAX_SEED_MEMBERS:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_SEED_MEMBERS:,}")
    return value


def _seed_arguments(seed: argparse.ArgumentParser) -> None:
    seed.add_argument("--members", type=_member_count, default=10_000, help="members to create (10000)")
    when = seed.add_mutually_exclusive_group()
    when.add_argument("--reset", action="store_true", help="delete all users, members and visits first")
    when.add_argument(
        "--if-empty", action="store_true", help="do nothing (and succeed) if the database has users"
    )
    seed.add_argument("--no-progress", action="store_true", help="no progress bars")
    seed.add_argument("--timezone", help="set the gym's time zone first, e.g. Europe/Berlin (IANA name)")


@command("seed", _seed_arguments)
def _cmd_seed(args: argparse.Namespace) -> int:
    """fill an empty database with demo staff, members and a month of visits

    Create the demo admin, 5 trainers, N members and their check-ins of the last 30 days.
    """
    from thrust.core.db import check_database, session_scope
    from thrust.demo_data import (  # Faker itself is only imported once seeding starts
        ADMIN_EMAIL,
        DEFAULT_ADMIN_PASSWORD,
        count_users,
        hash_demo_passwords,
        seed_demo_data,
    )
    from thrust.system.datadir import require_writable_data

    secret = get_settings().admin_password
    admin_password = secret.get_secret_value() if secret is not None else None
    if admin_password is not None and (problems := password_problems(admin_password)):
        raise SettingsError("THRUST_ADMIN_PASSWORD", "; ".join(problems))
    require_writable_data(get_settings(), serving=False)
    check_database()

    def not_seeding(existing: int) -> int:
        print(f"The database already has {existing:,} users; not seeding.")
        return EXIT_OK

    if args.if_empty:
        with session_scope(read_only=True) as session:
            existing = count_users(session)
        if existing:
            return not_seeding(existing)
    hashes = hash_demo_passwords(admin_password)  # before the unit of work: no transaction waits on bcrypt
    with session_scope() as session:
        if args.if_empty and (existing := count_users(session)):  # another start seeded meanwhile
            return not_seeding(existing)
        report = seed_demo_data(
            session,
            members=args.members,
            admin_password=admin_password,
            reset=args.reset,
            progress=not args.no_progress,
            password_hashes=hashes,
            timezone=args.timezone,
        )

    inside = (
        f"{report.open_visits} in the gym now"
        if report.gym_open_now
        else "the gym is closed now, so nobody is checked in"
    )
    print(
        f"Seeded {report.members:,} members, {report.check_ins:,} check-ins ({inside}) "
        f"and {report.trainers} trainers in {report.elapsed:.1f} s; "
        f"gym capacity {report.max_capacity:,}."
    )
    print()
    print("Demo logins:")
    shown = "(THRUST_ADMIN_PASSWORD)" if admin_password is not None else DEFAULT_ADMIN_PASSWORD
    print("\n".join(login_lines(ADMIN_EMAIL, shown, report.trainer_emails, report.member_example)))
    if admin_password is None:
        print(
            f"warning: {ADMIN_EMAIL} has the public demo password {DEFAULT_ADMIN_PASSWORD}; change it "
            "before anyone else can reach this server (or set THRUST_ADMIN_PASSWORD and seed again)",
            file=sys.stderr,
        )
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# create-admin
# --------------------------------------------------------------------------------------------


def _create_admin_arguments(create: argparse.ArgumentParser) -> None:
    create.add_argument("--email", required=True, help="login email (stored lower-cased)")
    create.add_argument("--name", default="Administrator", help="display name (Administrator)")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin"
    )


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise CommandError("no password on standard input")
        return password
    try:
        password = getpass("Password: ")
        if getpass("Repeat password: ") != password:
            raise CommandError("the passwords do not match")
    except EOFError:
        raise CommandError("no password given (use --password-stdin to pipe one)") from None
    return password


@command("create-admin", _create_admin_arguments)
def _cmd_create_admin(args: argparse.Namespace) -> int:
    """create an ADMIN login

    Create an ADMIN login; the password is asked for twice, or read from stdin.
    """
    from thrust.auth.service import create_staff_account, get_user_by_email, normalize_email
    from thrust.core.db import check_database, session_scope
    from thrust.core.validation import EMAIL_TAKEN
    from thrust.models import Role

    check_database()
    # Check the email before asking for a password, so nobody types one twice for nothing.
    email = normalize_email(args.email)
    with session_scope(read_only=True) as session:
        if get_user_by_email(session, email) is not None:
            raise Conflict(f"{EMAIL_TAKEN}: {email}")
    password = _read_password(args.password_stdin)
    user = create_staff_account(
        session_scope, email=email, password=password, full_name=args.name, role=Role.ADMIN
    )
    print(f"Created {user.role.value} {user.email} ({user.full_name}).")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# check and serve
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# remove-demo-data
# --------------------------------------------------------------------------------------------


def _remove_demo_data_arguments(remove: argparse.ArgumentParser) -> None:
    remove.add_argument("--yes", action="store_true", help="remove it (without: only say what would go)")


@command("remove-demo-data", _remove_demo_data_arguments)
def _cmd_remove_demo_data(args: argparse.Namespace) -> int:
    """delete the demo trainers and members with their visits (admins and anything added since stay)

    Delete what the demo seed created: its trainers, its members and their visits, plans, reminders and
    sessions. Admin accounts, members added since and the gym's settings stay.
    """
    from thrust.core.db import check_database, session_scope
    from thrust.demo.service import console_actor, removal_impact, remove_demo_data

    check_database()
    with session_scope(read_only=True) as session:
        impact = removal_impact(session, console_actor(session))
    if not impact.accounts:
        print("There is no demo data to remove.")
        return EXIT_OK
    if not args.yes:
        print(f"This would permanently delete {impact.summary()}.")
        raise CommandError("nothing removed: run again with --yes to remove it")
    with session_scope() as session:
        removed = remove_demo_data(session, console_actor(session))
    print(f"Removed {removed.summary()}.")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# backup, restore and move-to
# --------------------------------------------------------------------------------------------


def _backup_arguments(backup: argparse.ArgumentParser) -> None:
    backup.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="where to write it (default: <data folder>/backups/thrust-<UTC date and time>.sqlite3)",
    )


@command("backup", _backup_arguments)
def _cmd_backup(args: argparse.Namespace) -> int:
    """copy the whole database into one file, while THRUST keeps serving

    Write a consistent copy of the database (SQLite or PostgreSQL) to FILE; `restore` reads it back into
    either engine.
    """
    from thrust.core.db import get_engine
    from thrust.system.backup import backup, default_backup_path
    from thrust.system.datadir import require_writable_data

    settings = get_settings()
    require_writable_data(settings, serving=False)  # SQLite cannot even read from a read-only folder
    destination = args.file or default_backup_path(settings.data_dir)
    started = time.monotonic()
    info = backup(get_engine(), destination)
    size = info.path.stat().st_size / 1_000_000
    print(
        f"Backed up {info.total:,} rows (schema {info.revision}, {info.source}) to {info.path} "
        f"({size:,.1f} MB) in {time.monotonic() - started:.1f} s."
    )
    print("It holds password hashes and personal data: keep it private, and keep a copy off this machine.")
    return EXIT_OK


def _restore_arguments(restore: argparse.ArgumentParser) -> None:
    restore.add_argument("file", type=Path, help="the backup file")
    restore.add_argument(
        "--replace", action="store_true", help="drop everything THRUST has in the database first"
    )


@command("restore", _restore_arguments)
def _cmd_restore(args: argparse.Namespace) -> int:
    """load a backup into the configured database (stop THRUST first)

    Load FILE (made by `backup`) into the configured database and migrate it to this version's schema, all
    in one transaction. Refuses a database that has data unless --replace.
    """
    from thrust.core.db import get_engine
    from thrust.system.backup import read_backup, restore
    from thrust.system.datadir import require_writable_data

    require_writable_data(get_settings(), serving=False)
    info = read_backup(args.file)
    print(
        f"Restoring {info.total:,} rows from {info.path} (made {info.created_at} from a {info.source} "
        f"database, schema {info.revision})...",
        flush=True,
    )
    started = time.monotonic()
    report = restore(get_engine(), args.file, replace=args.replace, on_table=_print_table)
    migrated = (
        f"migrated from {report.loaded.revision} to {report.loaded.ended_at}"
        if report.loaded.revision != report.loaded.ended_at
        else f"schema {report.loaded.ended_at}"
    )
    print(f"Restored {report.loaded.total:,} rows in {time.monotonic() - started:.1f} s ({migrated}).")
    print("Start THRUST again (or restart it) to serve the restored data.")
    return EXIT_OK


def _print_table(name: str, rows: int) -> None:
    print(f"  {name:<22}{rows:>12,}", flush=True)


def _move_to_arguments(move: argparse.ArgumentParser) -> None:
    move.add_argument("url", help="the PostgreSQL database, e.g. postgresql://thrust:secret@db-host/thrust")


@command("move-to", _move_to_arguments)
def _cmd_move_to(args: argparse.Namespace) -> int:
    """copy everything from the SQLite database into an empty PostgreSQL one

    Outgrow SQLite: copy every row into the empty PostgreSQL database at URL, migrate it to head and
    compare row counts table by table. The SQLite file is left unchanged.
    """
    from thrust.core.db import get_engine
    from thrust.system.move import check_move, move_to

    check_move(get_engine(), args.url)
    print("Copying (stop THRUST first: changes made during the copy stay behind in SQLite)...", flush=True)
    started = time.monotonic()
    report = move_to(get_engine(), args.url, on_table=_print_table)
    print(
        f"Copied {report.loaded.total:,} rows in {time.monotonic() - started:.1f} s; every table has as many "
        f"rows as in {report.source}. The schema is at {report.loaded.ended_at}."
    )
    print()
    print("Next: set this and start THRUST again (make run, or python -m thrust serve):")
    print(f"  DATABASE_URL={report.database_url}")
    if report.target.password:
        print("  (with your password where *** is)")
    print(f"{report.source} was not changed; keep it until you are happy with PostgreSQL.")
    return EXIT_OK
