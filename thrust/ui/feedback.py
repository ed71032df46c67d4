"""Calling a service from a Reflex handler, and turning what it says into toasts and field messages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from pydantic.alias_generators import to_camel
from sqlmodel import Session

from thrust.core.db import UnitsOfWork, session_scope
from thrust.core.errors import DomainError

T = TypeVar("T")
log = logging.getLogger("thrust.ui")

SAVED = "Saved"
FIX_FIELDS = "Please check the highlighted fields."


async def in_unit_of_work(work: Callable[[Session], T], *, read_only: bool = False) -> T:
    """Run `work` in one committed unit of work, in a worker thread (never on the event loop).

    `read_only=True` for page loads and look-ups: a reading unit never waits for SQLite's write lock.
    Shape what the page needs inside `work`: rows must not be touched after their session closes.
    """

    def run() -> T:
        with session_scope(read_only=read_only) as session:
            return work(session)

    return await asyncio.to_thread(run)


async def with_units_of_work(work: Callable[[UnitsOfWork], T]) -> T:
    """Run a use case that opens its own units of work (it hashes a password between them) in a
    worker thread."""
    return await asyncio.to_thread(work, session_scope)


def field_errors(error: DomainError) -> dict[str, str]:
    """{camelCaseField: message} from a domain error's details; several messages of a field, one per line."""
    out: dict[str, list[str]] = {}
    for problem in error.details:
        name = to_camel(problem.field) if "_" in problem.field else problem.field
        messages = out.setdefault(name, [])
        if problem.message not in messages:
            messages.append(problem.message)
    return {name: "\n".join(messages) for name, messages in out.items()}


def error_toast(error: DomainError) -> Any:
    """The toast for a refused operation: the service's own message, or a pointer to the fields."""
    if error.details and error.code == "VALIDATION_ERROR":
        return rx.toast.error(FIX_FIELDS)
    return rx.toast.error(error.message)


def saved_toast(message: str = SAVED) -> Any:
    return rx.toast.success(message)
