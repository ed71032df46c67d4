"""`@requires`: the check inside each event handler that its caller is signed in and holds a permission.

The policies it declares and the messages it answers with live in thrust/auth/policy.py, the checks of
untrusted arguments in thrust/auth/arguments.py, and who the caller is in thrust/auth/state.py.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import reflex as rx

from thrust.auth.arguments import BadArgument
from thrust.auth.policy import BAD_REQUEST_MESSAGE, DENIED_MESSAGE, F, Policy, declare
from thrust.auth.rbac import Actor, Permission
from thrust.auth.state import session_ended_events, verified_actor


def refusal_events(actor: Actor | None) -> list[Any]:
    """What a refused handler sends: the sign-in page for an ended session, else a "not allowed" toast."""
    if actor is None:
        return session_ended_events()
    return [rx.toast.error(DENIED_MESSAGE)]


def bad_argument_toast(error: BadArgument) -> Any:
    """The toast for an event whose argument was malformed (a forged or broken client)."""
    return rx.toast.error(f"{BAD_REQUEST_MESSAGE} ({error.name} {error.problem}).")


def requires(*permissions: Permission) -> Callable[[F], F]:
    """Let only signed-in users holding any of `permissions` run the handler (none: any signed-in user).

    Use under `@rx.event`. Works for async and sync handlers and for (async) generators; the wrapper
    keeps the handler's signature (functools.wraps), which Reflex reads to build the event's arguments.
    A refused call returns a toast and runs nothing. `BadArgument` raised by the handler becomes a toast.
    """
    policy = Policy(permissions=frozenset(permissions))

    def decorate(fn: F) -> F:
        if inspect.isasyncgenfunction(fn) or inspect.isgeneratorfunction(fn):
            is_async_gen = inspect.isasyncgenfunction(fn)

            @functools.wraps(fn)
            async def gen_wrapper(self: rx.State, *args: Any, **kwargs: Any) -> Any:
                actor = await verified_actor(self)
                if not policy.allows(actor):
                    yield refusal_events(actor)
                    return
                try:
                    if is_async_gen:
                        async for item in fn(self, *args, **kwargs):
                            yield item
                    else:
                        for item in fn(self, *args, **kwargs):
                            yield item
                except BadArgument as error:
                    yield bad_argument_toast(error)

            declare(gen_wrapper, policy)
            return gen_wrapper  # type: ignore[return-value]  # wraps(fn) keeps its signature; mypy cannot see that

        @functools.wraps(fn)
        async def wrapper(self: rx.State, *args: Any, **kwargs: Any) -> Any:
            actor = await verified_actor(self)
            if not policy.allows(actor):
                return refusal_events(actor)
            try:
                result = fn(self, *args, **kwargs)
                if inspect.isawaitable(result):
                    result = await result
            except BadArgument as error:
                return bad_argument_toast(error)
            return result

        declare(wrapper, policy)
        return wrapper  # type: ignore[return-value]  # (same)

    return decorate


signed_in = requires()
"""Explicitly mark a handler as "any signed-in user" (the default), with the in-handler check."""
