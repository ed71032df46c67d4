"""The command registry of `python -m thrust`: the `@command` decorator, exit codes and CommandError.

To add a command, write `_cmd_<name>(args) -> int` under `@command("<name>", <add its arguments>)` in the
module of what it works on (a new module goes into `COMMAND_MODULES` in `thrust/cli/__init__.py`, where
`--help` should list it): its docstring's first line is the command's help in the list, the rest the
description of its --help.
Commands call services; rules live there, not here.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INTERRUPTED = 130

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
