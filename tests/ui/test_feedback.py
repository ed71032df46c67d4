"""ui/feedback.py: a refused operation shown once, by a context manager or a handler decorator."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from thrust.core.errors import Conflict, FieldProblem, ValidationFailed
from thrust.ui.feedback import FIX_FIELDS, error_toast, field_errors, refusals, shows_refusals


class Page:
    """Stands in for a Reflex state: the helpers only set attributes on it."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {"old": "stale"}
        self.notice = ""
        self.busy = True


INVALID = ValidationFailed(
    details=[FieldProblem("full_name", "Enter a name"), FieldProblem("email", "Taken")]
)
CONFLICT = Conflict("Someone changed this member meanwhile")


def _toast_text(toast: Any) -> str:
    """The toast's kind and message, as the browser is told them (the spec's function argument)."""
    return "" if toast is None else next(str(value) for key, value in toast.args if str(key) == "function")


def test_field_errors_and_toast_of_a_validation_error() -> None:
    assert field_errors(INVALID) == {"fullName": "Enter a name", "email": "Taken"}
    assert f'["error"]("{FIX_FIELDS}")' in _toast_text(error_toast(INVALID))
    assert "meanwhile" in _toast_text(error_toast(CONFLICT))


def test_refusals_shows_the_error_and_hands_back_its_toast() -> None:
    page = Page()
    with refusals(page, fields="errors", message="notice", busy=False) as refused:
        raise INVALID
    assert refused and refused.error is INVALID
    assert page.errors == {"fullName": "Enter a name", "email": "Taken"}
    assert page.notice == INVALID.message
    assert page.busy is False
    assert _toast_text(refused.toast) == _toast_text(error_toast(INVALID))


def test_refusals_leaves_the_state_alone_when_nothing_is_refused() -> None:
    page = Page()
    with refusals(page, fields="errors", busy=False) as refused:
        pass
    assert not refused and refused.toast is None
    assert page.errors == {"old": "stale"} and page.busy is True


def test_refusals_lets_other_errors_through() -> None:
    page = Page()
    with pytest.raises(RuntimeError), refusals(page, fields="errors"):
        raise RuntimeError("a bug, not a refusal")
    assert page.errors == {"old": "stale"}


def test_refusals_inside_an_async_handler() -> None:
    page = Page()

    async def handler() -> Any:
        async def service() -> None:
            raise CONFLICT

        with refusals(page, message="notice") as refused:
            await service()
            return "not reached"
        return refused.toast

    toast = asyncio.run(handler())
    assert "meanwhile" in _toast_text(toast) and page.notice == CONFLICT.message


class Handlers:
    """Handlers as a state would hold them (sync, async, generator, async generator)."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.busy = False

    @shows_refusals(fields="errors", busy=False)
    def plain(self, fail: bool) -> str:
        if fail:
            raise INVALID
        return "done"

    @shows_refusals(fields="errors")
    async def awaiting(self, fail: bool, *, label: str = "done") -> str:
        await asyncio.sleep(0)
        if fail:
            raise INVALID
        return label

    @shows_refusals(fields="errors", busy=False)
    async def streaming(self, fail: bool) -> AsyncIterator[str]:
        self.busy = True
        yield "busy"
        if fail:
            raise INVALID
        yield "done"

    @shows_refusals(fields="errors", busy=False)
    def stepping(self, fail: bool) -> Iterator[str]:
        self.busy = True
        yield "busy"
        if fail:
            raise INVALID
        yield "done"


async def _collect(gen: Any) -> list[Any]:
    return [item async for item in gen]


def test_the_decorator_keeps_what_reflex_reads() -> None:
    for name in ("plain", "awaiting", "streaming", "stepping"):
        wrapped = getattr(Handlers, name)
        assert inspect.signature(wrapped) == inspect.signature(wrapped.__wrapped__), name
        assert wrapped.__name__ == name
    # Reflex runs a generator handler step by step (each yield sends a delta), so it must stay one.
    assert inspect.isasyncgenfunction(Handlers.streaming)
    assert inspect.isasyncgenfunction(Handlers.stepping)
    assert inspect.iscoroutinefunction(Handlers.plain)


def test_the_decorator_returns_the_result_or_the_toast() -> None:
    handlers = Handlers()
    assert asyncio.run(handlers.plain(False)) == "done"
    assert asyncio.run(handlers.awaiting(False, label="saved")) == "saved"
    assert handlers.errors == {}
    handlers.busy = True
    toast = asyncio.run(handlers.plain(True))
    assert _toast_text(toast) == _toast_text(error_toast(INVALID))
    assert handlers.errors == {"fullName": "Enter a name", "email": "Taken"} and handlers.busy is False
    assert FIX_FIELDS in _toast_text(asyncio.run(handlers.awaiting(True)))


@pytest.mark.parametrize("name", ["streaming", "stepping"])
def test_the_decorator_on_a_generator_keeps_its_yields_then_yields_the_toast(name: str) -> None:
    handlers = Handlers()
    assert asyncio.run(_collect(getattr(handlers, name)(False))) == ["busy", "done"]
    assert handlers.busy is True
    updates = asyncio.run(_collect(getattr(handlers, name)(True)))
    assert updates[0] == "busy" and len(updates) == 2
    assert _toast_text(updates[1]) == _toast_text(error_toast(INVALID))
    assert handlers.busy is False and handlers.errors["fullName"] == "Enter a name"


def test_the_decorator_lets_other_errors_through() -> None:
    class Broken:
        @shows_refusals(fields="errors")
        async def handler(self) -> None:
            raise KeyError("a bug")

    with pytest.raises(KeyError):
        asyncio.run(Broken().handler())
