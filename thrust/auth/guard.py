"""`@requires`: the check inside each event handler that its caller is signed in and holds a permission.

The policies it declares and the messages it answers with live in thrust/auth/policy.py, the checks of
untrusted arguments in thrust/auth/arguments.py, and who the caller is in thrust/auth/state.py. The
names of the first two are also importable from here, where states have always imported them.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import reflex as rx

from thrust.auth.arguments import (
    BadArgument,
    bool_arg,
    choice_arg,
    form_values,
    int_arg,
    text_arg,
    uuid_arg,
)
from thrust.auth.policy import (
    BAD_REQUEST_MESSAGE,
    DENIED_MESSAGE,
    POLICY_ATTRIBUTE,
    REFLEX_PUBLIC_HANDLERS,
    SESSION_ENDED_MESSAGE,
    F,
    Policy,
    all_handler_policies,
    background_policy,
    declare,
    handler_policy,
    public_event,
)
from thrust.auth.rbac import Actor, Permission
from thrust.auth.state import session_ended_events, verified_actor

__all__ = [
    "BAD_REQUEST_MESSAGE",
    "DENIED_MESSAGE",
    "POLICY_ATTRIBUTE",
    "REFLEX_PUBLIC_HANDLERS",
    "SESSION_ENDED_MESSAGE",
    "BadArgument",
    "Policy",
    "all_handler_policies",
    "background_policy",
    "bool_arg",
    "choice_arg",
    "form_values",
    "handler_policy",
    "int_arg",
    "public_event",
    "requires",
    "signed_in",
    "text_arg",
    "uuid_arg",
]


def _refusal(actor: Actor | None) -> list[Any]:
    if actor is None:
        return session_ended_events()
    return [rx.toast.error(DENIED_MESSAGE)]


def _bad_argument(error: BadArgument) -> Any:
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
                    yield _refusal(actor)
                    return
                try:
                    if is_async_gen:
                        async for item in fn(self, *args, **kwargs):
                            yield item
                    else:
                        for item in fn(self, *args, **kwargs):
                            yield item
                except BadArgument as error:
                    yield _bad_argument(error)

            declare(gen_wrapper, policy)
            return gen_wrapper  # type: ignore[return-value]  # wraps(fn) keeps its signature; mypy cannot see that

        @functools.wraps(fn)
        async def wrapper(self: rx.State, *args: Any, **kwargs: Any) -> Any:
            actor = await verified_actor(self)
            if not policy.allows(actor):
                return _refusal(actor)
            try:
                result = fn(self, *args, **kwargs)
                if inspect.isawaitable(result):
                    result = await result
            except BadArgument as error:
                return _bad_argument(error)
            return result

        declare(wrapper, policy)
        return wrapper  # type: ignore[return-value]  # (same)

    return decorate


signed_in = requires()
"""Explicitly mark a handler as "any signed-in user" (the default), with the in-handler check."""
