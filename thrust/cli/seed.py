"""`seed`: demo staff, members and a month of visits for an empty database, and the logins it prints."""

from __future__ import annotations

import argparse
import sys

from thrust.auth.passwords import password_problems
from thrust.cli.base import EXIT_OK, command
from thrust.core.settings import SettingsError, get_settings

MAX_SEED_MEMBERS = 1_000_000


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
