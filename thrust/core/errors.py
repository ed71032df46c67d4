"""Domain errors raised by services; the API maps them to HTTP, the UI to toasts, each in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One field that failed validation, and why (the seed's `details` entry)."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = "ERROR"
    status = 400
    default_message = "The request could not be completed"

    def __init__(self, message: str | None = None, *, details: list[FieldProblem] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or []
        super().__init__(self.message)


class ValidationFailed(DomainError):
    code = "VALIDATION_ERROR"
    status = 400
    default_message = "Invalid input data"

    @classmethod
    def on(cls, field: str, message: str) -> ValidationFailed:
        """A validation error about a single field."""
        return cls(details=[FieldProblem(field, message)])


class Unauthorized(DomainError):
    code = "UNAUTHORIZED"
    status = 401
    default_message = "Authentication required"


class PermissionDenied(DomainError):
    code = "FORBIDDEN"
    status = 403
    default_message = "You don't have permission to access this resource"


class NotFound(DomainError):
    code = "NOT_FOUND"
    status = 404
    default_message = "The requested resource was not found"


class Conflict(DomainError):
    code = "CONFLICT"
    status = 409
    default_message = "The request conflicts with the current state"


class RateLimited(DomainError):
    code = "RATE_LIMIT_EXCEEDED"
    status = 429
    default_message = "Too many attempts. Try again later."

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after
