"""Who may call which Reflex event handler: the policies, how a handler declares one, the refusal messages.

Every handler has a policy, read by `handler_policy(full_name)`:
- PUBLIC: anonymous sockets may call it (Reflex's own hydrate/on_load plumbing, and handlers marked
  with `@public_event`, which must only read the cookie or public data);
- SIGNED_IN (the default for anything not marked): the socket's cookie must map to a live session of
  the state's user;
- a permission set (`@requires(Permission.X, ...)` in thrust/auth/guard.py): signed in and holding any
  of them.

The middleware (thrust/auth/middleware.py) enforces the policy of every event; `@requires` checks again
inside the handler, and the services check a third time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from thrust.auth.rbac import Actor, Permission, has_permission
from thrust.core.reflex_compat import BOOT_HANDLERS, registered_function, registered_handlers
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

# module.qualname of every function given a policy by a decorator (for reports and tests).
DECLARED: dict[str, Policy] = {}


def declare(fn: Callable[..., Any], policy: Policy) -> None:
    """Give `fn` (a handler, or the wrapper that checks it) its policy, where `handler_policy` reads it."""
    setattr(fn, POLICY_ATTRIBUTE, policy)
    DECLARED[f"{fn.__module__}.{fn.__qualname__}"] = policy


def public_event(fn: F) -> F:
    """Let anonymous sockets call this handler. Put it under `@rx.event`.

    Only for handlers that read public data or establish identity from the cookie themselves.
    """
    declare(fn, PUBLIC)
    return fn


def background_policy(*permissions: Permission) -> Callable[[F], F]:
    """Give a background handler (`@rx.event(background=True)`) a policy for the middleware.

    `@requires` cannot wrap a background handler (its check reads other states outside the lock): the
    handler must check the actor again itself, inside `async with self`.
    """
    policy = Policy(permissions=frozenset(permissions))

    def mark(fn: F) -> F:
        declare(fn, policy)
        return fn

    return mark


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
