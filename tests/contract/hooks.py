"""Schemathesis hooks of the contract test: sign in as the role under test, and tolerate only the 400s
that the document announces in words (rules JSON Schema cannot state), naming exactly those fields.
A newline in a path parameter is replaced (see `before_call`).

Loaded by `st run` through SCHEMATHESIS_HOOKS; the role's login comes in THRUST_CONTRACT_LOGIN.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import requests
import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

API = "/api/v1"
# Routes a visitor uses without a session: signed-in headers would change what they test (a bearer
# token sent to /auth/logout would end the role's own session).
PUBLIC = {
    f"{API}/auth/signup",
    f"{API}/auth/login",
    f"{API}/auth/refresh",
    f"{API}/auth/logout",
    f"{API}/health",
}

# Rules stated in the document's words, not its schema: a schema-valid request may break them and is
# then refused with 400 naming one of these fields (and nothing else).
WORD_RULES: dict[tuple[str, str], set[str]] = {
    # at most 72 bytes (not characters); not a common password
    ("POST", f"{API}/auth/login"): {"password"},
    ("POST", f"{API}/auth/signup"): {"password"},
    ("POST", f"{API}/staff"): {"password"},
    # the current password must be right; the new one not common, not the current one
    ("PATCH", f"{API}/settings/password"): {"currentPassword", "newPassword"},
    # each day opens before it closes
    ("PATCH", f"{API}/settings/gym"): {"openingHours"},
    # the end after the start, an age of 5 to 110, an active trainer, an email no one else uses
    ("POST", f"{API}/members"): {"membershipEnd", "dateOfBirth", "assignedTrainerId", "email"},
    ("PATCH", f"{API}/members/{{member_id}}"): {"membershipEnd", "dateOfBirth", "assignedTrainerId", "email"},
    # a cursor the list gave (same sort and order); a page within the first 10,000 rows
    ("GET", f"{API}/members"): {"after", "page"},
    # a range of days: the start not after the end, and not longer than its bucket size allows
    ("GET", f"{API}/check-ins/history"): {"from", "to"},
    ("GET", f"{API}/analytics/visits"): {"from", "to"},
    # a name with a letter or digit that no other exercise has; no secondary muscle also a primary one
    ("POST", f"{API}/exercises"): {"name", "secondaryMuscles"},
    # the file's contents and the mapping of its columns
    ("POST", f"{API}/members/import/preview"): {"file", "mapping"},
    ("POST", f"{API}/members/import"): {"file", "mapping"},
    # a plan's document: weeks numbered in order, a day number once a week, rep ranges low to high
    # ("planData.weeks[1].days[0].exercises[2].reps"); a versioned field's change names its version
    ("POST", f"{API}/workout-plans"): {"planData*"},
    ("PATCH", f"{API}/workout-plans/{{plan_id}}"): {"planData*", "version"},
    ("POST", f"{API}/workout-plan-templates"): {"planData*"},
    ("PATCH", f"{API}/workout-plan-templates/{{template_id}}"): {"planData*", "version"},
    # a day, a week and exercises the plan has
    ("POST", f"{API}/workout-plans/{{plan_id}}/progress"): {"weekNumber", "dayNumber", "exercises*"},
    ("POST", f"{API}/workout-plans/{{plan_id}}/copy-week"): {"weekNumber"},
    # the age, when left out, comes from the member's profile (400 when it has no birth date)
    ("POST", f"{API}/ai/generate-workout"): {"age"},
}

LOGIN: dict[str, str] | None = json.loads(os.environ.get("THRUST_CONTRACT_LOGIN") or "null")
BASE_URL = os.environ.get("THRUST_CONTRACT_URL", "")
NEWLINE = re.compile(r"%0[aA]|\n")


def _is_public(case: Any) -> bool:
    return case.operation.path in PUBLIC


if LOGIN is not None:

    @schemathesis.auth()
    class RoleLogin:
        """A bearer token of the role's account; signed in again when a request answers 401."""

        def get(self, case: Any, ctx: Any) -> str:
            assert LOGIN is not None
            response = requests.post(
                f"{BASE_URL}{API}/auth/login",
                json={"email": LOGIN["email"], "password": LOGIN["password"]},
                headers={"X-Forwarded-For": LOGIN["ip"]},  # its own address: fuzzed logins don't lock it out
                timeout=30,
            )
            response.raise_for_status()
            return str(response.json()["data"]["accessToken"])

        def set(self, case: Any, data: str, ctx: Any) -> None:
            if not _is_public(case):
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    @schemathesis.hook
    def after_call(ctx: Any, case: Any, response: Any) -> None:
        """Follow the account's own email when a generated profile change replaced it."""
        if LOGIN is None or case.operation.path != f"{API}/settings/profile" or response.status_code != 200:
            return
        LOGIN["email"] = response.json()["data"]["email"]


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """A newline in a path parameter is sent as a space. Such a request never reaches THRUST: the ASGI
    router Reflex puts in front of every app (a `Mount("")`, whose pattern stops at a newline) answers it
    with a plain-text 404 of its own. Every other character does reach the API's JSON answers.

    Path parameters reach this hook already percent-encoded, so a newline is "%0A" here (a raw one is
    replaced too, for values a hook or link set)."""
    if case.path_parameters:
        case.path_parameters = {
            name: _without_newline(value) if isinstance(value, str) else value
            for name, value in case.path_parameters.items()
        }


def _without_newline(value: str) -> str:
    return NEWLINE.sub("%20", value)


def _fields(response: Any) -> set[str]:
    try:
        details = response.json()["error"].get("details") or []
    except (ValueError, KeyError, TypeError, AttributeError):
        return {"?"}
    return {str(d.get("field")) for d in details} or {"file"}  # an import's report names no field


def _named(field: str, allowed: set[str]) -> bool:
    """`field` is one of `allowed`, or lies under one ending in * ("planData*": planData and its parts)."""
    return any(field == name or (name.endswith("*") and field.startswith(name[:-1])) for name in allowed)


@schemathesis.check
def positive_data_acceptance_in_words(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis's positive_data_acceptance, except for the rules the document states in words."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        allowed = WORD_RULES.get((case.method.upper(), case.operation.path), set())
        if response.status_code == 400 and all(_named(field, allowed) for field in _fields(response)):
            return None
        raise
