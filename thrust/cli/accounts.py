"""`create-admin`: an ADMIN login from the console, its password asked for twice or read from stdin."""

from __future__ import annotations

import argparse
import sys
from getpass import getpass

from thrust.cli.base import EXIT_OK, CommandError, command
from thrust.core.errors import Conflict


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
