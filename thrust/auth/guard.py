"""Who may call which Reflex event handler: policies, the decorators that set them, argument checks.

Every handler has a policy, read by `handler_policy(full_name)`:
- PUBLIC: anonymous sockets may call it (Reflex's own hydrate/on_load plumbing, and handlers marked
  with `@public_event`, which must only read the cookie or public data);
- SIGNED_IN (the default for anything not marked): the socket's cookie must map to a live session of
  the state's user;
- a permission set (`@requires(Permission.X, ...)`): signed in and holding any of them.

The middleware enforces the policy of every event; `@requires` checks again inside the handler
(so a handler stays safe if the middleware is ever missing), and the services check a third time.
Handler arguments arrive from the client untyped: read them with `text_arg`, `int_arg`, `bool_arg`,
`uuid_arg`, `choice_arg` or `form_values`, which raise `BadArgument`; a guarded handler turns that
into a toast and changes nothing.
"""

from __future__ import annotations

import functools
import inspect
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import reflex as rx

from thrust.auth.rbac import Actor, Permission, has_permission
from thrust.core.reflex_compat import BOOT_HANDLERS, registered_function, registered_handlers
from thrust.core.validation import UNSTORABLE_TEXT, is_storable
from thrust.models import Role

F = TypeVar("F", bound=Callable[..., Any])

DENIED_MESSAGE = "You don't have permission to do that"
SESSION_ENDED_MESSAGE = "Your session has ended; please sign in again"
BAD_REQUEST_MESSAGE = "That request was not understood"

POLICY_ATTRIBUTE = "__thrust_policy__"

# Reflex's own handlers that a browser calls before anyone can have signed in (named, and checked
# against the installed Reflex, in thrust/core/reflex_compat.py).
REFLEX_PUBLIC_HANDLERS = BOOT_HANDLERS


@dataclass(frozen=True)
class Policy:
    """What a caller needs for one handler: nothing (public), a live session, or one of some permissions."""

    public: bool = False
    permissions: frozenset[Permission] = frozenset()

    def allows(self, actor: Actor | None) -> bool:
        if self.public:
            return True
        if actor is None:
            return False
        return not self.permissions or any(actor.can(p) for p in self.permissions)

    def allows_role(self, role: Role | None) -> bool:
        """Whether a signed-in user of `role` (None: anonymous) may call the handler."""
        if self.public:
            return True
        if role is None:
            return False
        return not self.permissions or any(has_permission(role, p) for p in self.permissions)

    def describe(self) -> str:
        if self.public:
            return "public"
        if not self.permissions:
            return "signed-in"
        return "any of " + ", ".join(sorted(p.value for p in self.permissions))


PUBLIC = Policy(public=True)
SIGNED_IN = Policy()

# module.qualname of every function given a policy by a decorator here (for reports and tests).
DECLARED: dict[str, Policy] = {}


def _declare(fn: Callable[..., Any], policy: Policy) -> None:
    setattr(fn, POLICY_ATTRIBUTE, policy)
    DECLARED[f"{fn.__module__}.{fn.__qualname__}"] = policy


def public_event(fn: F) -> F:
    """Let anonymous sockets call this handler. Put it under `@rx.event`.

    Only for handlers that read public data or establish identity from the cookie themselves.
    """
    _declare(fn, PUBLIC)
    return fn


def handler_policy(full_name: str) -> Policy:
    """The policy of a registered handler, by its full Reflex name (as the socket protocol names it).

    Raises KeyError for a name Reflex does not know.
    """
    if full_name in REFLEX_PUBLIC_HANDLERS:
        return PUBLIC
    fn = registered_function(registered_handlers()[full_name])
    return getattr(fn, POLICY_ATTRIBUTE, SIGNED_IN)


def all_handler_policies() -> dict[str, Policy]:
    """Every registered handler of every state, with its policy (for the authorization matrix)."""
    return {name: handler_policy(name) for name in sorted(registered_handlers())}


# -- untrusted arguments ----------------------------------------------------------------------------


class BadArgument(ValueError):
    """A handler argument of the wrong type, too big, or nested: the call is refused."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


def text_arg(value: object, name: str, *, max_length: int = 200, storable: bool = True) -> str:
    """A string argument of at most `max_length` characters (not stripped: the service does that).

    Text that cannot be stored (NUL, an unpaired surrogate) is refused here, before it reaches the
    state (whose updates could not be sent) or a query; a form passes `storable=False` and lets the
    service name the field next to the input instead.
    """
    if not isinstance(value, str):
        raise BadArgument(name, "must be text")
    if len(value) > max_length:
        raise BadArgument(name, f"must be at most {max_length} characters")
    if storable and not is_storable(value):
        raise BadArgument(name, UNSTORABLE_TEXT[0].lower() + UNSTORABLE_TEXT[1:])
    return value


def int_arg(value: object, name: str, *, minimum: int = -(2**31), maximum: int = 2**31 - 1) -> int:
    """An integer argument (a bool is not an integer here) within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadArgument(name, "must be a whole number")
    if not minimum <= value <= maximum:
        raise BadArgument(name, f"must be between {minimum} and {maximum}")
    return value


def bool_arg(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise BadArgument(name, "must be true or false")
    return value


def uuid_arg(value: object, name: str) -> uuid.UUID:
    text = text_arg(value, name, max_length=36)
    try:
        return uuid.UUID(text)
    except ValueError:
        raise BadArgument(name, "must be an id") from None


def choice_arg(value: object, name: str, choices: Iterable[str]) -> str:
    allowed = tuple(choices)
    text = text_arg(value, name, max_length=max((len(c) for c in allowed), default=0))
    if text not in allowed:
        raise BadArgument(name, "is not one of the allowed values")
    return text


MAX_FORM_KEYS = 64


def form_values(form_data: object, limits: Mapping[str, int]) -> dict[str, str]:
    """The named text fields of a submitted form, each at most its limit; absent fields read as "".

    Refuses anything but a flat dict of strings (no lists, dicts or numbers anywhere in it), and
    ignores keys it was not asked for. A null reads as absent: Reflex reports a control the page did
    not show (one inside an `rx.cond`) as null.
    """
    if not isinstance(form_data, dict):
        raise BadArgument("form", "must be a form")
    if len(form_data) > MAX_FORM_KEYS:
        raise BadArgument("form", "has too many fields")
    for key, value in form_data.items():
        if not isinstance(key, str) or not (isinstance(value, str) or value is None):
            raise BadArgument("form", "fields must be text")
    # The services check each field (storable text included) and name the field in their answer.
    return {
        field: text_arg(form_data.get(field) or "", field, max_length=limit, storable=False)
        for field, limit in limits.items()
    }


# -- the per-handler permission check -----------------------------------------------------------------


async def _verified_actor(state: rx.State) -> Actor | None:
    from thrust.auth.state import AuthState

    auth = await state.get_state(AuthState)
    return await auth._verify()


def _refusal(actor: Actor | None) -> list[Any]:
    if actor is None:
        from thrust.auth.state import session_ended_events

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
                actor = await _verified_actor(self)
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

            _declare(gen_wrapper, policy)
            return gen_wrapper  # type: ignore[return-value]  # wraps(fn) keeps its signature; mypy cannot see that

        @functools.wraps(fn)
        async def wrapper(self: rx.State, *args: Any, **kwargs: Any) -> Any:
            actor = await _verified_actor(self)
            if not policy.allows(actor):
                return _refusal(actor)
            try:
                result = fn(self, *args, **kwargs)
                if inspect.isawaitable(result):
                    result = await result
            except BadArgument as error:
                return _bad_argument(error)
            return result

        _declare(wrapper, policy)
        return wrapper  # type: ignore[return-value]  # (same)

    return decorate


def background_policy(*permissions: Permission) -> Callable[[F], F]:
    """Give a background handler (`@rx.event(background=True)`) a policy for the middleware.

    `@requires` cannot wrap a background handler (its check reads other states outside the lock): the
    handler must check the actor again itself, inside `async with self`.
    """
    policy = Policy(permissions=frozenset(permissions))

    def mark(fn: F) -> F:
        _declare(fn, policy)
        return fn

    return mark


signed_in = requires()
"""Explicitly mark a handler as "any signed-in user" (the default), with the in-handler check."""
