"""`@background_requires`: the permission check of `@requires` for background event handlers.

A background handler (`@rx.event(background=True)`) runs outside the state lock, so `@requires` cannot
wrap it: its check reads the auth state, which a background task may only touch inside
`async with self`. `@background_requires(*permissions)` gives the handler the same policy (the
middleware reads it) and checks again when the task starts, under the lock: a caller who is signed
out, or no longer holds any of `permissions`, is refused as `@requires` refuses (sign-in again, or a
toast) and the handler does not run. The handler reads the verified caller with `background_actor()`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

import reflex as rx

from thrust.auth.arguments import BadArgument
from thrust.auth.guard import bad_argument_toast, refusal_events
from thrust.auth.policy import Policy, background_policy
from thrust.auth.rbac import Actor, Permission
from thrust.auth.state import verified_actor

F = TypeVar("F", bound=Callable[..., Any])

# The caller a running background handler was checked for (a context variable: each task has its own).
_ACTOR: ContextVar[Actor | None] = ContextVar("thrust_background_actor", default=None)


def background_actor() -> Actor:
    """The verified caller of the background handler that is running (under `@background_requires`)."""
    actor = _ACTOR.get()
    if actor is None:
        raise RuntimeError("background_actor() is only known inside a @background_requires handler")
    return actor


def background_requires(
    *permissions: Permission, on_refusal: Callable[[Any], None] | None = None
) -> Callable[[F], F]:
    """Let only signed-in users holding any of `permissions` run the background handler (none: anyone
    signed in). Use under `@rx.event(background=True)`; the handler is an async function or an async
    generator. `BadArgument` raised by the handler becomes a toast, as with `@requires`.

    `on_refusal(state)` runs under the lock when the caller is refused: the handler that queued this
    one may have left the state waiting for it (a spinner, a "running" flag).
    """
    policy = Policy(permissions=frozenset(permissions))
    declare = background_policy(*permissions)

    async def checked(state: rx.State) -> tuple[Actor | None, bool]:
        async with state:  # the auth state may only be read under the lock in a background task
            actor = await verified_actor(state)
            allowed = policy.allows(actor)
            if not allowed and on_refusal is not None:
                on_refusal(state)
        return actor, allowed

    def decorate(fn: F) -> F:
        if inspect.isasyncgenfunction(fn):

            @functools.wraps(fn)
            async def gen_wrapper(self: rx.State, *args: Any, **kwargs: Any) -> Any:
                actor, allowed = await checked(self)
                if not allowed:
                    yield refusal_events(actor)
                    return
                token = _ACTOR.set(actor)
                try:
                    async for item in fn(self, *args, **kwargs):
                        yield item
                except BadArgument as error:
                    yield bad_argument_toast(error)
                finally:
                    _ACTOR.reset(token)

            return declare(gen_wrapper)  # type: ignore[return-value]  # wraps(fn) keeps its signature; mypy cannot see that

        if not inspect.iscoroutinefunction(fn):
            raise TypeError(f"{fn.__qualname__}: a background handler must be async")

        @functools.wraps(fn)
        async def wrapper(self: rx.State, *args: Any, **kwargs: Any) -> Any:
            actor, allowed = await checked(self)
            if not allowed:
                return refusal_events(actor)
            token = _ACTOR.set(actor)
            try:
                return await fn(self, *args, **kwargs)
            except BadArgument as error:
                return bad_argument_toast(error)
            finally:
                _ACTOR.reset(token)

        return declare(wrapper)  # type: ignore[return-value]  # (same)

    return decorate
