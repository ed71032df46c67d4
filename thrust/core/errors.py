"""Domain errors raised by services; the API maps them to HTTP, the UI to toasts, each in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One field that failed validation, and why (the seed's `details` entry)."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every error a service raises on purpose.

    A kind of error names its wire `code`, HTTP `status` and default `message` as class keywords
    (`class NotFound(DomainError, code=..., status=404, message=...)`); those it leaves out it inherits.
    """

    code = "ERROR"
    status = 400
    default_message = "The request could not be completed"

    def __init_subclass__(
        cls, *, code: str | None = None, status: int | None = None, message: str | None = None
    ) -> None:
        super().__init_subclass__()
        cls.code = code or cls.code
        cls.status = status or cls.status
        cls.default_message = message or cls.default_message

    def __init__(self, message: str | None = None, *, details: list[FieldProblem] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or []
        super().__init__(self.message)


class ValidationFailed(DomainError, code="VALIDATION_ERROR", status=400, message="Invalid input data"):
    """Input broke a rule; `details` names each field and what is wrong with it."""

    @classmethod
    def on(cls, field: str, message: str) -> ValidationFailed:
        """A validation error about a single field."""
        return cls(details=[FieldProblem(field, message)])


class Unauthorized(DomainError, code="UNAUTHORIZED", status=401, message="Authentication required"):
    """Nobody is signed in (or the session has ended)."""


class PermissionDenied(
    DomainError, code="FORBIDDEN", status=403, message="You don't have permission to access this resource"
):
    """The signed-in user may not do this."""


class NotFound(DomainError, code="NOT_FOUND", status=404, message="The requested resource was not found"):
    """No such thing, or none the caller may see."""


class Conflict(
    DomainError, code="CONFLICT", status=409, message="The request conflicts with the current state"
):
    """The data as it stands forbids it (a taken email, a stale version, a full gym)."""


class RateLimited(
    DomainError, code="RATE_LIMIT_EXCEEDED", status=429, message="Too many attempts. Try again later."
):
    """Too many attempts in too short a time; `retry_after` says how many seconds to wait."""

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after
