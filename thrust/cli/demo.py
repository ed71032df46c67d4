"""`remove-demo-data`: delete what the demo seed created, once the gym goes live."""

from __future__ import annotations

import argparse

from thrust.cli.base import EXIT_OK, CommandError, command


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
