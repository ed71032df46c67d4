"""The `python -m thrust` command line: parse, run one command, report errors as one `error:` line.

The commands live in this package by what they work on (see `COMMAND_MODULES`); `thrust/cli/base.py`
says how to add one.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys

from sqlalchemy.exc import SQLAlchemyError

from thrust.cli.base import COMMANDS, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, CommandError, Handler
from thrust.core.errors import DomainError, ValidationFailed
from thrust.core.settings import SettingsError
from thrust.demo_data import DemoDataError

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "CommandError", "build_parser", "main"]

# Importing a module registers its commands, so this order is the order `--help` lists them in.
COMMAND_MODULES = ("seed", "accounts", "serving", "demo", "data")
for _module in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_module}")


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
