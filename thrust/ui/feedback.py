"""Calling a service from a Reflex handler, and turning what it says into toasts and field messages."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

import reflex as rx
from pydantic.alias_generators import to_camel
from sqlmodel import Session

from thrust.core.db import UnitsOfWork, session_scope
from thrust.core.errors import DomainError

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
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


# -- refusals: one place that turns a DomainError into what the page shows --------------------------------


class Refusal:
    """What `refusals` caught: falsy until the service refused; then `error` and the `toast` to show."""

    def __init__(self) -> None:
        self.error: DomainError | None = None
        self.toast: Any = None

    def __bool__(self) -> bool:
        return self.error is not None


def show_refusal(
    state: Any, error: DomainError, *, fields: str | None = None, message: str | None = None, **reset: Any
) -> Any:
    """Put a refused operation on the page and return its toast.

    `fields`: the state's {field: message} var, set from the error's details (see `field_errors`).
    `message`: a text var set to the service's message. `reset`: other vars to set back (busy flags).
    """
    if fields is not None:
        setattr(state, fields, field_errors(error))
    if message is not None:
        setattr(state, message, error.message)
    for name, value in reset.items():
        setattr(state, name, value)
    return error_toast(error)


@contextlib.contextmanager
def refusals(
    state: Any, *, fields: str | None = None, message: str | None = None, **reset: Any
) -> Iterator[Refusal]:
    """Catch a DomainError in a part of a handler and show it (as `show_refusal`), instead of a
    try/except in every handler. Works in any handler, also ones that `yield` and background ones (use
    it inside `async with self` there: it sets state vars)::

        with refusals(self, fields="errors") as refused:
            user = await in_unit_of_work(work)
        if refused:
            return refused.toast
    """
    outcome = Refusal()
    try:
        yield outcome
    except DomainError as error:
        outcome.error = error
        outcome.toast = show_refusal(state, error, fields=fields, message=message, **reset)


def shows_refusals(
    *, fields: str | None = None, message: str | None = None, **reset: Any
) -> Callable[[F], F]:
    """A handler decorator: a DomainError raised anywhere in the handler is shown (as `show_refusal`)
    and its toast returned, or yielded by a generator handler (what it yielded before stays sent).

    Use under `@rx.event` and the permission decorator. The wrapper keeps the handler's signature
    (functools.wraps), which Reflex reads to build the event's arguments. Not for background handlers:
    they must set state inside `async with self`, so use `refusals` there.
    """

    def decorate(fn: F) -> F:
        if inspect.isasyncgenfunction(fn) or inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            async def gen_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                try:
                    async for update in _updates(fn(self, *args, **kwargs)):
                        yield update
                except DomainError as error:
                    yield show_refusal(self, error, fields=fields, message=message, **reset)

            return gen_wrapper  # type: ignore[return-value]  # wraps(fn) keeps its signature; mypy cannot see that

        @functools.wraps(fn)
        async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                result = fn(self, *args, **kwargs)
                return (await result) if inspect.isawaitable(result) else result
            except DomainError as error:
                return show_refusal(self, error, fields=fields, message=message, **reset)

        return wrapper  # type: ignore[return-value]  # (same)

    return decorate


async def _updates(steps: Any) -> AsyncIterator[Any]:
    """What a generator handler yields, one by one, whether it is a generator or an async one."""
    if inspect.isasyncgen(steps):
        async for update in steps:
            yield update
    else:
        for update in steps:
            yield update
