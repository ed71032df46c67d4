"""Authorization matrix over HTTP: every /api/v1 route in the server's OpenAPI schema × four roles.

The expectation table below says, per route, which roles the RBAC table lets through (written as
permissions, so it follows `ROLE_PERMISSIONS`). A route missing from the table fails the test. Refused
calls must answer 401 (anonymous) or 403 (signed in; 404 where the route hides objects the caller may
not see) in the seed's error shape and leave the database unchanged; allowed calls must not be refused.
Bodies are chosen so that an allowed call changes nothing either (a well-formed id that names nobody, a
value the service rejects), while being well-formed enough that a refused role reaches the permission
check rather than a 422.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.security.conftest import Cast
from tests.security.support import MATRIX, NOBODY, ROLES, Database, db_changes, role_name
from tests.server import AppServer
from tests.support.socket_client import fresh_ip
from thrust.auth.rbac import Permission, has_permission
from thrust.models import Role
from thrust.planner.catalog_file import catalog_id

P = Permission
TARGET = "<member B: assigned to the trainer, not member A>"
SQUAT = str(catalog_id("Barbell_Full_Squat"))  # in every database: migration 0011 loads the catalog
PLAN = "<a plan of member B>"
TEMPLATE = "<a template the admin saved>"
# One week, one day, one exercise: a plan the service accepts.
SMALL_PLAN = {
    "weeks": [
        {
            "weekNumber": 1,
            "days": [{"dayNumber": 1, "exercises": [{"name": "Squat", "sets": 3, "reps": 5, "rest": 120}]}],
        }
    ]
}
BAD_CSV = ("members.csv", b"fullName,email\nNo Email Given,not-an-email\n", "text/csv")


def roles_with(*permissions: Permission) -> frozenset[Role]:
    """The roles holding any of `permissions` in the RBAC table."""
    return frozenset(r for r in Role if any(has_permission(r, p) for p in permissions))


PUBLIC = None  # reachable without a session
SIGNED_IN = frozenset(Role)


@dataclass(frozen=True)
class Route:
    allowed: frozenset[Role] | None  # None: public
    json: Any = None
    path: dict[str, str] = field(default_factory=dict)
    files: tuple[str, bytes, str] | None = None
    hidden: bool = False  # object-scoped: a refused signed-in role gets 404, not 403


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/health"): Route(PUBLIC),
    ("GET", "/api/v1/ready"): Route(PUBLIC),
    # Public auth routes get bodies the schema rejects (422): nothing is created, ended or counted.
    ("POST", "/api/v1/auth/signup"): Route(PUBLIC, json={}),
    ("POST", "/api/v1/auth/login"): Route(PUBLIC, json={}),
    ("POST", "/api/v1/auth/refresh"): Route(PUBLIC, json={"refreshToken": ["not", "a", "token"]}),
    ("POST", "/api/v1/auth/logout"): Route(PUBLIC, json={"refreshToken": ["not", "a", "token"]}),
    ("GET", "/api/v1/auth/me"): Route(SIGNED_IN),
    ("PATCH", "/api/v1/settings/profile"): Route(SIGNED_IN, json={"email": "not-an-email"}),
    ("PATCH", "/api/v1/settings/password"): Route(
        SIGNED_IN, json={"currentPassword": "", "newPassword": "x"}
    ),
    ("GET", "/api/v1/settings/gym"): Route(SIGNED_IN),
    # Schema-valid bodies that the service refuses (a rule the document states in words).
    ("PATCH", "/api/v1/settings/gym"): Route(
        roles_with(P.SETTINGS_MANAGE), json={"openingHours": {"mon": ["22:00", "06:00"]}}
    ),
    ("GET", "/api/v1/staff"): Route(roles_with(P.STAFF_MANAGE)),
    ("POST", "/api/v1/staff"): Route(
        roles_with(P.STAFF_MANAGE),
        json={
            "email": "matrix@example.com",
            "password": "Password1!",
            "fullName": "Matrix",
            "role": "TRAINER",
        },
    ),
    ("PATCH", "/api/v1/staff/{userId}"): Route(
        roles_with(P.STAFF_MANAGE), path={"userId": NOBODY}, json={"role": "TRAINER"}
    ),
    ("GET", "/api/v1/members"): Route(roles_with(P.MEMBERS_VIEW_ALL, P.MEMBERS_VIEW_ASSIGNED)),
    ("POST", "/api/v1/members"): Route(
        roles_with(P.MEMBERS_CREATE),
        json={
            "fullName": "Matrix",
            "email": "matrix@example.com",
            "membershipStart": "2026-05-01",
            "membershipEnd": "2026-04-01",
        },
    ),
    ("GET", "/api/v1/members/export"): Route(roles_with(P.MEMBERS_VIEW_ALL, P.MEMBERS_VIEW_ASSIGNED)),
    ("POST", "/api/v1/members/import/preview"): Route(roles_with(P.MEMBERS_CREATE), files=BAD_CSV),
    ("POST", "/api/v1/members/import"): Route(roles_with(P.MEMBERS_CREATE), files=BAD_CSV),
    ("POST", "/api/v1/members/bulk-action"): Route(
        roles_with(P.MEMBERS_EDIT_ALL), json={"action": "activate", "memberIds": [NOBODY]}
    ),
    ("GET", "/api/v1/members/{member_id}"): Route(
        roles_with(P.MEMBERS_VIEW_ALL, P.MEMBERS_VIEW_ASSIGNED), path={"member_id": TARGET}, hidden=True
    ),
    ("PATCH", "/api/v1/members/{member_id}"): Route(
        roles_with(P.MEMBERS_EDIT_ALL, P.MEMBERS_EDIT_ASSIGNED),
        path={"member_id": TARGET},
        json={"dateOfBirth": "2999-01-01"},
        hidden=True,
    ),
    ("DELETE", "/api/v1/members/{member_id}"): Route(
        roles_with(P.MEMBERS_DELETE), path={"member_id": NOBODY}
    ),
    ("GET", "/api/v1/check-ins"): Route(roles_with(P.OCCUPANCY_VIEW)),
    ("POST", "/api/v1/check-ins"): Route(roles_with(P.CHECKINS_MANAGE), json={"memberId": NOBODY}),
    ("PATCH", "/api/v1/check-ins/{visit_id}"): Route(
        roles_with(P.CHECKINS_MANAGE), path={"visit_id": NOBODY}, json={}
    ),
    ("GET", "/api/v1/check-ins/current"): Route(roles_with(P.OCCUPANCY_VIEW)),
    # One's own visits: anyone signed in (staff without a membership get 404, which is not a refusal).
    ("GET", "/api/v1/check-ins/mine"): Route(roles_with(P.OCCUPANCY_VIEW)),
    ("GET", "/api/v1/check-ins/history"): Route(roles_with(P.OCCUPANCY_VIEW)),
    # The dashboard: cards, heatmap, visit mix and members at risk for staff (a trainer's own members);
    # the day's curve and the forecast carry no one's data: anyone signed in.
    ("GET", "/api/v1/analytics/summary"): Route(roles_with(P.MEMBERS_VIEW_ALL, P.MEMBERS_VIEW_ASSIGNED)),
    ("GET", "/api/v1/analytics/today"): Route(roles_with(P.OCCUPANCY_VIEW)),
    ("GET", "/api/v1/analytics/heatmap"): Route(roles_with(P.MEMBERS_VIEW_ALL, P.MEMBERS_VIEW_ASSIGNED)),
    ("GET", "/api/v1/analytics/visits"): Route(roles_with(P.MEMBERS_VIEW_ALL, P.MEMBERS_VIEW_ASSIGNED)),
    ("GET", "/api/v1/analytics/forecast"): Route(roles_with(P.OCCUPANCY_VIEW)),
    ("GET", "/api/v1/analytics/at-risk"): Route(roles_with(P.MEMBERS_VIEW_ALL, P.MEMBERS_VIEW_ASSIGNED)),
    # Off by default (404 then); when the gym switches it on, anyone may ask how busy it is.
    ("GET", "/api/v1/public/occupancy"): Route(PUBLIC),
    ("GET", "/api/v1/members/{member_id}/reminders"): Route(
        roles_with(P.MEMBERS_VIEW_ALL, P.MEMBERS_VIEW_ASSIGNED), path={"member_id": TARGET}
    ),
    # The unsubscribe link works without a session (its signed token is the key); no token here: 422.
    ("GET", "/api/v1/reminders/unsubscribe"): Route(PUBLIC),
    ("POST", "/api/v1/reminders/unsubscribe"): Route(PUBLIC, json={}),
    # The exercise catalog: everyone signed in reads it; staff add exercises (a name the catalog has:
    # refused with 400, so an allowed call adds nothing).
    ("GET", "/api/v1/exercises"): Route(roles_with(P.EXERCISES_VIEW)),
    ("POST", "/api/v1/exercises"): Route(
        roles_with(P.EXERCISES_CREATE),
        json={
            "name": "Barbell Full Squat",
            "level": "beginner",
            "equipment": "barbell",
            "primaryMuscles": ["chest"],
        },
    ),
    ("GET", "/api/v1/exercises/{exercise_id}"): Route(
        roles_with(P.EXERCISES_VIEW), path={"exercise_id": SQUAT}
    ),
    ("GET", "/api/v1/exercises/{exercise_id}/similar"): Route(
        roles_with(P.EXERCISES_VIEW), path={"exercise_id": SQUAT}
    ),
    # Workout plans: member B's plan is the trainer's to see and change, not member A's (404: hidden, for
    # the routes a member may use on plans of their own); bodies the service refuses (a day the plan does
    # not have, a week it cannot copy, an empty plan) or ids that name nobody.
    ("GET", "/api/v1/workout-plans"): Route(SIGNED_IN),
    ("POST", "/api/v1/workout-plans"): Route(
        roles_with(P.WORKOUT_CREATE), json={"memberId": NOBODY, "title": "Matrix", "planData": SMALL_PLAN}
    ),
    ("GET", "/api/v1/workout-plans/{plan_id}"): Route(
        roles_with(P.WORKOUT_EDIT), path={"plan_id": PLAN}, hidden=True
    ),
    ("PATCH", "/api/v1/workout-plans/{plan_id}"): Route(
        roles_with(P.WORKOUT_EDIT), path={"plan_id": PLAN}, json={"version": 1, "planData": {"weeks": []}}
    ),
    ("DELETE", "/api/v1/workout-plans/{plan_id}"): Route(
        roles_with(P.WORKOUT_EDIT), path={"plan_id": NOBODY}
    ),
    ("POST", "/api/v1/workout-plans/{plan_id}/progress"): Route(
        roles_with(P.WORKOUT_EDIT),
        path={"plan_id": PLAN},
        json={"weekNumber": 4, "dayNumber": 7},
        hidden=True,
    ),
    # B's plan awaits no approval: approving it changes nothing (a member is refused before the plan is read).
    ("POST", "/api/v1/workout-plans/{plan_id}/approve"): Route(
        roles_with(P.WORKOUT_EDIT), path={"plan_id": PLAN}
    ),
    ("POST", "/api/v1/workout-plans/{plan_id}/copy-week"): Route(
        roles_with(P.WORKOUT_EDIT), path={"plan_id": PLAN}, json={"weekNumber": 3, "version": 1}
    ),
    # The template library is staff's; a template is changed by its author (here the admin) or an admin.
    ("GET", "/api/v1/workout-plan-templates"): Route(roles_with(P.WORKOUT_CREATE)),
    ("POST", "/api/v1/workout-plan-templates"): Route(
        roles_with(P.WORKOUT_CREATE), json={"title": "Matrix", "planData": {"weeks": []}}
    ),
    ("GET", "/api/v1/workout-plan-templates/{template_id}"): Route(
        roles_with(P.WORKOUT_CREATE), path={"template_id": TEMPLATE}
    ),
    ("PATCH", "/api/v1/workout-plan-templates/{template_id}"): Route(
        roles_with(P.MEMBERS_EDIT_ALL),
        path={"template_id": TEMPLATE},
        json={"version": 1, "planData": {"weeks": []}},
    ),
    ("DELETE", "/api/v1/workout-plan-templates/{template_id}"): Route(
        roles_with(P.WORKOUT_CREATE), path={"template_id": NOBODY}
    ),
    ("POST", "/api/v1/workout-plan-templates/{template_id}/assign"): Route(
        roles_with(P.WORKOUT_CREATE), path={"template_id": TEMPLATE}, json={"memberId": NOBODY}
    ),
    # The AI planner: staff who build plans, for members they may see (nobody here: 404, nothing made).
    ("POST", "/api/v1/ai/generate-workout"): Route(
        roles_with(P.WORKOUT_CREATE),
        json={
            "memberId": NOBODY,
            "age": 30,
            "currentFitnessLevel": "beginner",
            "goals": ["strength"],
            "daysPerWeek": 3,
            "minutesPerSession": 45,
            "equipment": "home_bodyweight",
        },
    ),
    ("GET", "/api/v1/jobs"): Route(roles_with(P.SETTINGS_MANAGE)),
    ("POST", "/api/v1/jobs/{name}/run"): Route(roles_with(P.SETTINGS_MANAGE), path={"name": "no-such-job"}),
}


def schema_routes(base_url: str) -> list[tuple[str, str]]:
    response = httpx.get(f"{base_url}/api/v1/openapi.json", timeout=30)
    assert response.status_code == 200, response.text
    methods = {"get", "post", "put", "patch", "delete"}
    return sorted(
        (method.upper(), path)
        for path, ops in response.json()["paths"].items()
        for method in ops
        if method in methods
    )


@pytest.fixture(scope="session")
def planner_targets(app_server: AppServer, cast: Cast) -> dict[str, str]:
    """A plan of member B (inactive) and a template, saved by the admin once for the session."""
    headers = {**cast.admin.bearer, "X-Forwarded-For": fresh_ip()}
    with httpx.Client(base_url=app_server.url, timeout=60, headers=headers) as client:
        plan = client.post(
            "/api/v1/workout-plans",
            json={
                "memberId": cast.victim.member_id,
                "title": "B's plan",
                "planData": SMALL_PLAN,
                "isActive": False,
            },
        )
        template = client.post(
            "/api/v1/workout-plan-templates", json={"title": "Matrix", "planData": SMALL_PLAN}
        )
    assert plan.status_code == template.status_code == 201, (plan.text, template.text)
    return {
        TARGET: cast.victim.member_id,
        PLAN: plan.json()["data"]["id"],
        TEMPLATE: template.json()["data"]["id"],
    }


def send(
    client: httpx.Client,
    method: str,
    path: str,
    route: Route,
    targets: dict[str, str],
    headers: dict[str, str],
) -> httpx.Response:
    url = path
    for name, value in route.path.items():
        url = url.replace("{" + name + "}", targets.get(value, value))
    kwargs: dict[str, Any] = {"headers": {**headers, "X-Forwarded-For": fresh_ip()}}
    if route.files is not None:
        kwargs["files"] = {"file": route.files}
    elif route.json is not None:
        kwargs["json"] = route.json
    return client.request(method, url, **kwargs)


def test_every_route_in_the_schema_has_an_expectation(app_server: AppServer) -> None:
    served = set(schema_routes(app_server.url))
    missing = sorted(served - set(ROUTES))
    assert not missing, "routes with no row in ROUTES (decide who may call them): " + ", ".join(
        f"{m} {p}" for m, p in missing
    )
    stale = sorted(set(ROUTES) - served)
    assert not stale, f"ROUTES names routes the server no longer has: {stale}"


def test_no_api_route_hides_from_the_schema() -> None:
    """The matrix enumerates the OpenAPI schema; a route left out of it would escape the matrix."""
    from fastapi.routing import APIRoute

    from thrust.api import API_ROUTERS

    hidden = [
        f"{sorted(route.methods)} {route.path}"
        for router in API_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and not route.include_in_schema
    ]
    assert not hidden, f"routes with include_in_schema=False escape the authorization matrix: {hidden}"


@pytest.mark.parametrize("role", ROLES, ids=role_name)
def test_authorization_matrix_over_http(
    role: Role | None, app_server: AppServer, cast: Cast, server_db: Database, planner_targets: dict[str, str]
) -> None:
    account = cast.account(role)
    headers = account.bearer if account else {}
    failures = []
    checked = 0
    with httpx.Client(base_url=app_server.url, timeout=60) as client:
        for method, path in schema_routes(app_server.url):
            route = ROUTES.get((method, path))
            if route is None:
                continue  # reported by test_every_route_in_the_schema_has_an_expectation
            allowed = route.allowed is None or role in route.allowed
            before = None if allowed else server_db.snapshot()
            response = send(client, method, path, route, planner_targets, headers)
            checked += 1
            label = f"{method} {path} as {role_name(role)}"
            status = response.status_code
            if allowed:
                refused = {401, 403} | ({404} if route.hidden else set())
                if status in refused or status >= 500:
                    failures.append(f"{label}: allowed but answered {status} {response.text[:200]}")
                continue
            expected = 401 if role is None else (404 if route.hidden else 403)
            code = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND"}[expected]
            body = _json(response)
            if status != expected or (body.get("error") or {}).get("code") != code:
                failures.append(f"{label}: expected {expected} {code}, got {status} {response.text[:200]}")
            diff = db_changes(before, server_db.snapshot())  # type: ignore[arg-type]  # the snapshot is taken before the loop; never None here
            if diff:
                failures.append(f"{label}: REFUSED ROLE CHANGED THE DATABASE: {diff}")
    MATRIX["api routes"] += checked
    print(f"authorization matrix ({role_name(role)} over HTTP): {checked} routes")
    assert checked >= len(ROUTES) - 1
    assert not failures, f"{len(failures)} of {checked} calls failed:\n" + "\n".join(failures)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


# -- admin-only member fields ---------------------------------------------------------------------------

_FIELD_COLUMNS = {
    "email": "u.email",
    "membershipStart": "m.membership_start",
    "membershipEnd": "m.membership_end",
    "membershipTier": "m.membership_tier",
    "status": "m.status",
    "assignedTrainerId": "m.assigned_trainer_id",
}


def _current_values(db: Database, member_id: str) -> dict[str, Any]:
    """Member B's admin-only fields as stored: sending them back changes nothing an admin would see."""
    import uuid

    from thrust.members.service import ADMIN_ONLY_FIELDS

    missing = set(ADMIN_ONLY_FIELDS) - set(_FIELD_COLUMNS)
    assert not missing, f"decide how the matrix reads these admin-only fields: {missing}"
    columns = ", ".join(_FIELD_COLUMNS[f] for f in ADMIN_ONLY_FIELDS)
    row = db.query(
        f"SELECT {columns} FROM members m JOIN users u ON u.id = m.user_id WHERE m.id = ?",
        uuid.UUID(member_id).hex,
    )[0]
    values = dict(zip(ADMIN_ONLY_FIELDS, row, strict=True))
    if values.get("assignedTrainerId"):
        values["assignedTrainerId"] = str(uuid.UUID(values["assignedTrainerId"]))
    for day in ("membershipStart", "membershipEnd"):
        values[day] = str(values[day])[:10]
    return values


@pytest.mark.parametrize("role", ROLES, ids=role_name)
def test_admin_only_member_fields_over_http(
    role: Role | None, app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    """Each admin-only field of a member (email, membership dates, tier, status, trainer), sent alone to
    `PATCH /members/{id}` of member B (assigned to the trainer, who may edit the rest): an admin may; a
    trainer gets 403, member A 404 (not theirs to see), anonymous 401, and nothing changes."""
    account = cast.account(role)
    allowed = role in roles_with(P.MEMBERS_EDIT_ALL)
    expected = 401 if role is None else 403 if has_permission(role, P.MEMBERS_EDIT_ASSIGNED) else 404
    failures = []
    with httpx.Client(base_url=app_server.url, timeout=60) as client:
        for field_name, value in _current_values(server_db, cast.victim.member_id).items():
            before = server_db.snapshot()
            response = client.patch(
                f"/api/v1/members/{cast.victim.member_id}",
                json={field_name: value},
                headers={**(account.bearer if account else {}), "X-Forwarded-For": fresh_ip()},
            )
            label = f"PATCH {field_name} as {role_name(role)}"
            MATRIX["admin-only fields"] += 1
            if allowed:
                if response.status_code != 200:
                    failures.append(
                        f"{label}: allowed but answered {response.status_code} {response.text[:200]}"
                    )
                continue
            if response.status_code != expected:
                failures.append(
                    f"{label}: expected {expected}, got {response.status_code} {response.text[:200]}"
                )
            diff = db_changes(before, server_db.snapshot())
            if diff:
                failures.append(f"{label}: REFUSED ROLE CHANGED THE DATABASE: {diff}")
    assert not failures, "\n".join(failures)
