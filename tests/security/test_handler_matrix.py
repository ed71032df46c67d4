"""Authorization matrix over the real socket: every Reflex event handler of every state × four roles.

The handlers come from the app's own registry (`all_handler_policies()` after importing the app), so a
handler added later is covered without editing this file. Each is called over a real socket to the
running server with plausible dummy arguments built from its signature:
- where its policy refuses the role, the call must have no effect: an anonymous socket hears nothing,
  a signed-in one gets only the "You don't have permission to do that" toast (no state value changes),
  and the server's database is unchanged;
- where its policy allows the role, the call must not be refused.
Handlers that need no permission (public or any signed-in user) must be on an allow-list below with a
reason, so a new handler that forgets `@requires` fails here until someone decides.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import uuid

import httpx
import pytest

from tests.security.conftest import Cast
from tests.security.support import (
    MATRIX,
    ROLES,
    Database,
    Handler,
    app_handlers,
    changes,
    db_changes,
    dummy_args,
    refusals,
    role_name,
)
from tests.server import AppServer
from tests.support.socket_client import ProbingClient, handler_name
from thrust.checkins.state import FrontDeskState
from thrust.models import Role

DESK_SEARCH = handler_name(FrontDeskState.search)

# Handlers anonymous sockets may call. Each must only touch the caller's own socket state or read
# public data, or establish identity from the HttpOnly cookie itself.
COOKIE_IDENTITY = "establishes identity from the HttpOnly cookie itself"
OWN_FLAG = "Reflex's page-load flag, on this socket's own state"
PUBLIC_ALLOW_LIST = {
    "reflex.state.State.hydrate": "Reflex's (re)connect: sends this socket its own state",
    "reflex.state.State.hydrate_and_load": "Reflex's connect + the page's on_load chain (each one checked)",
    "reflex.state.State.set_is_hydrated": OWN_FLAG,
    "reflex.state.OnLoadInternalState.on_load_internal": "queues the page's on_load handlers, each checked",
    "reflex.state.OnLoadInternalState.set_is_hydrated": OWN_FLAG,
    "reflex.state.UpdateVarsInternalState.update_vars_internal": "syncs client-storage vars only",
    "reflex.state.FrontendEventExceptionState.handle_frontend_exception": "browser error report: logged",
    "thrust.auth.state.AuthState.require_login": COOKIE_IDENTITY,
    "thrust.auth.state.AuthState.redirect_if_signed_in": COOKIE_IDENTITY,
    "thrust.ui.state.ShellState.load_shell": "reads the gym's name, public like the sign over the door",
    "thrust.analytics.busy_state.BusyState.load_busy": "the public /busy page: the same no-names answer as "
    "its public API, only while the gym publishes it",
}
# Handlers any signed-in user may call (no permission from the RBAC table). Each acts only on the
# caller's own account, or is a page loader whose data the service scopes to the caller.
SIGNED_IN_ALLOW_LIST = {
    "thrust.gym.state.SettingsState.load_settings": "page loader: chains the tab loaders, each guarded",
    "thrust.auth.account_state.AccountProfileState.load_profile": "the caller's own profile",
    "thrust.auth.account_state.AccountProfileState.save_profile": "the caller's own profile",
    "thrust.auth.account_state.AccountPasswordState.change_password": "the caller's own password "
    "(current one required)",
    "thrust.members.directory_state.MembersState.open_directory": "page loader: staff get their scoped "
    "directory, a member a redirect to their own profile",
    "thrust.members.profile_state.MemberProfileState.open_profile": "the service scopes it: own / assigned "
    "/ all, else not found (test_ownership)",
    "thrust.members.profile_state.MemberProfileState.show_visits_page": "same scoping as open_profile",
    "thrust.members.profile_state.MemberProfileState.refresh": "same scoping as open_profile",
    "thrust.reminders.state.ReminderHistoryState.load_reminders": "member page loader: staff get the "
    "reminders of members the service lets them see, anyone else nothing",
    "thrust.dashboard.member_state.MemberDashboardState.load_member_dashboard": "dashboard loader: the "
    "gym-wide forecast (no names) and the caller's own visits; nothing for staff",
    "thrust.demo.state.DemoDataState.load_banner": "every page's loader: the service tells admins whether "
    "demo data is loaded, anyone else nothing (removing it needs demo:remove)",
    "thrust.planner.print_state.PlanPrintState.open_print": "the print view's loader: the planner's service "
    "scopes it (own / assigned / all), else 'plan not found'",
    "thrust.dashboard.state.StaffCardsState.open_dashboard": "the dashboard's loader: hands staff on to "
    "the guarded card and chart loaders, anyone else nothing",
    "thrust.planner.my_plan_state.MyPlanState.load_my_plan": "the caller's own active plan and earlier "
    "plans (my_plan.read_my_plan reads only plans of the caller's own member record); nothing for staff",
    "thrust.planner.my_plan_state.MyPlanState.open_plan": "one of the caller's own plans, else not found "
    "(the same reader); nothing for staff",
    "thrust.planner.my_plan_state.MyPlanState.show_week": "shows another week of the plan this socket "
    "already loaded (no database)",
    "thrust.planner.my_plan_state.MyPlanState.save_day": "records a day of the plan this socket loaded "
    "(the caller's own, current one) through progress.record_progress, which checks ownership again",
    "thrust.planner.my_plan_state.MyPlanState.undo_day": "same as save_day",
}
SETVAR_REASON = (
    "Reflex's setvar only calls the state's own `set_<var>` method; auto-setters are off and "
    "test_setvar_cannot_run_a_guarded_setter shows it cannot run a guarded one"
)


def is_reflex_setvar(handler: Handler) -> bool:
    return handler.method == "setvar"


@pytest.fixture(scope="module")
def handlers() -> list[Handler]:
    # The app's and Reflex's own states (a state some test defines for itself is not the app's).
    return [h for h in app_handlers() if h.qualified.startswith(("thrust.", "reflex."))]


def test_handlers_that_need_no_permission_are_few_and_justified(handlers: list[Handler]) -> None:
    problems = []
    for h in handlers:
        if h.policy.public and h.qualified not in PUBLIC_ALLOW_LIST:
            problems.append(f"{h.qualified} is public (@public_event) but not on PUBLIC_ALLOW_LIST")
        elif (
            not h.policy.public
            and not h.policy.permissions
            and not is_reflex_setvar(h)
            and h.qualified not in SIGNED_IN_ALLOW_LIST
        ):
            problems.append(
                f"{h.qualified} needs no permission (no @requires(Permission...)): guard it, "
                "or add it to SIGNED_IN_ALLOW_LIST with a reason"
            )
    assert not problems, "\n".join(problems)
    assert all(reason.strip() for reason in {**PUBLIC_ALLOW_LIST, **SIGNED_IN_ALLOW_LIST}.values())
    assert SETVAR_REASON


def test_setvar_cannot_run_a_guarded_setter(handlers: list[Handler]) -> None:
    """`setvar(name, value)` (any signed-in user) calls `self.set_<name>(value)` synchronously: a
    `set_*` handler stricter than signed-in must therefore be async (its guard wrapper), so setvar only
    creates a coroutine it never awaits. Checked live in test_handler_arguments.py too."""
    from thrust.core.reflex_compat import registered_function, registered_handlers

    registered = registered_handlers()
    exposed = []
    for h in handlers:
        if not h.method.startswith("set_") or not h.policy.permissions:
            continue
        fn = registered_function(registered[h.name])
        if not (inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn)):
            exposed.append(f"{h.qualified} ({h.policy.describe()}) runs synchronously through setvar")
    assert not exposed, "\n".join(exposed)


async def _matrix_for(
    role: Role | None, app_server: AppServer, cast: Cast, db: Database, handlers: list[Handler]
):
    account = cast.account(role)
    client = ProbingClient(app_server.url, cookie=account.cookie if account else "")
    await client.connect("/")
    served = set(client.mirror)
    known = {h.state for h in handlers}
    assert served <= known, f"the server serves states this checkout does not know: {sorted(served - known)}"
    failures: list[str] = []
    checked = 0
    try:
        for h in handlers:
            if h.state not in served:  # imported by another test, not by the app
                continue
            allowed = h.allows(role)
            payload = dummy_args(h)
            before = None if allowed else db.snapshot()
            messages = await client.call(h.name, payload, background=h.background)
            checked += 1
            label = f"{h.short}({json.dumps(payload)[:60]}) as {role_name(role)} [{h.policy.describe()}]"
            refused = refusals(messages)
            if allowed:
                if refused:
                    failures.append(f"{label}: allowed by its policy but refused ({refused})")
                continue
            diff = db_changes(before, db.snapshot())  # type: ignore[arg-type]  # the snapshot is taken before the loop; never None here
            if diff:
                failures.append(f"{label}: REFUSED ROLE CHANGED THE DATABASE: {diff}")
            if role is None:
                if messages:
                    failures.append(
                        f"{label}: an anonymous call must be dropped silently, got {messages[0].text[:300]}"
                    )
                continue
            other_events = [
                e for m in messages for e in m.events if "You don't have permission" not in json.dumps(e)
            ]
            if refused != ["denied toast"] or changes(messages) or other_events:
                failures.append(
                    f"{label}: expected only the permission toast, got refusals={refused} "
                    f"changes={changes(messages)[:5]} events={json.dumps(other_events)[:300]}"
                )
        if role == Role.TRAINER:
            # The desk finds anyone (by name): the probe that would bring a member's contact details.
            await client.call(DESK_SEARCH, {"text": cast.stranger.full_name})
        assert client.connected, "the server closed the socket during the matrix"
        seen = client.seen()
    finally:
        await client.close()
    MATRIX["socket handlers"] += checked
    # What an anonymous or member socket received must hold no other user's email, and no other
    # member's name (pushes included).
    if role in (None, Role.MEMBER):
        own = account.email if account else None
        rows = db.query("SELECT u.email, m.full_name FROM users u LEFT JOIN members m ON m.user_id = u.id")
        # A member may see staff names (their trainer, their plan's author): a member who happens to
        # share one is not a leak.
        staff = {name for (name,) in db.query("SELECT full_name FROM users WHERE role <> 'MEMBER'")}
        leaked = [
            v
            for email, name in rows
            if email != own
            for v in (email, None if name in staff else name)
            if v and v in seen
        ]
        if leaked:
            failures.append(f"{role_name(role)} socket received other users' emails or names: {leaked[:5]}")
    # A trainer's socket: contact details of their assigned members only (names, tiers and status of
    # anyone, for the desk and the live feed).
    if role == Role.TRAINER:
        assert account is not None
        rows = db.query(
            "SELECT u.email, m.phone FROM members m JOIN users u ON u.id = m.user_id"
            " WHERE m.assigned_trainer_id IS NULL OR m.assigned_trainer_id != ?",
            uuid.UUID(account.user_id).hex,
        )
        leaked = [v for email, phone in rows for v in (email, phone) if v and v in seen]
        if leaked:
            failures.append(f"TRAINER socket received contact details of others' members: {leaked[:5]}")
    return checked, failures


@pytest.mark.parametrize("role", ROLES, ids=role_name)
def test_authorization_matrix_over_the_socket(
    role: Role | None, app_server: AppServer, cast: Cast, server_db: Database, handlers: list[Handler]
) -> None:
    checked, failures = asyncio.run(_matrix_for(role, app_server, cast, server_db, handlers))
    print(f"authorization matrix ({role_name(role)} over the socket): {checked} handlers")
    assert checked >= 20, "suspiciously few handlers: is the app registry empty?"
    assert not failures, f"{len(failures)} of {checked} calls failed:\n" + "\n".join(failures)


async def _form_fields_for(role: Role, app_server: AppServer, cast: Cast, db: Database) -> list[str]:
    from tests.security.test_api_matrix import _current_values
    from thrust.members.form_state import MemberFormState
    from thrust.members.service import ADMIN_ONLY_MESSAGE

    account = cast.account(role)
    assert account is not None
    victim = cast.victim
    name, phone, born, gender = db.query(
        "SELECT full_name, phone, date_of_birth, gender FROM members WHERE id = ?",
        uuid.UUID(victim.member_id).hex,
    )[0]
    personal = {
        "fullName": name,
        "phone": phone or "",
        "dateOfBirth": str(born)[:10] if born else "",
        "gender": gender or "unspecified",
    }
    allowed = role == Role.ADMIN
    failures: list[str] = []
    client = ProbingClient(app_server.url, cookie=account.cookie)
    await client.connect(f"/members/{victim.member_id}")
    try:
        await client.call(handler_name(MemberFormState.open_edit), {"member_id": victim.member_id})
        for field_name, value in _current_values(db, victim.member_id).items():
            if field_name == "assignedTrainerId" and value is None:
                value = "none"
            before = db.snapshot()
            form = {**personal, field_name: value}
            said = json.dumps(
                [m.raw for m in await client.call(handler_name(MemberFormState.save), {"form_data": form})]
            )
            MATRIX["admin-only fields"] += 1
            label = f"member form with {field_name} as {role_name(role)}"
            if allowed:
                if "Saved " not in said:
                    failures.append(f"{label}: allowed but not saved: {said[:300]}")
                await client.call(handler_name(MemberFormState.open_edit), {"member_id": victim.member_id})
                continue
            if ADMIN_ONLY_MESSAGE not in said:
                failures.append(f"{label}: expected the service's refusal, got {said[:300]}")
            diff = db_changes(before, db.snapshot())
            if diff:
                failures.append(f"{label}: REFUSED ROLE CHANGED THE DATABASE: {diff}")
    finally:
        await client.close()
    return failures


@pytest.mark.parametrize("role", [Role.TRAINER, Role.ADMIN], ids=role_name)
def test_admin_only_fields_through_the_member_form(
    role: Role, app_server: AppServer, cast: Cast, server_db: Database
) -> None:
    """The member form's `save` with each admin-only field (at its current value) for member B, whom the
    trainer may edit otherwise: refused whole for the trainer, saved for an admin."""
    failures = asyncio.run(_form_fields_for(role, app_server, cast, server_db))
    assert not failures, "\n".join(failures)


async def _uploads_for(
    role: Role | None, app_server: AppServer, cast: Cast, db: Database, uploads: list[Handler]
):
    account = cast.account(role)
    client = ProbingClient(app_server.url, cookie=account.cookie if account else "")
    await client.connect("/members")
    failures: list[str] = []
    checked = 0
    try:
        async with httpx.AsyncClient(base_url=app_server.url, timeout=60) as http:
            for h in uploads:
                if h.state not in client.mirror:
                    continue
                allowed = h.allows(role)
                before = db.snapshot()
                start = len(client.messages)
                # An upload proves its user with its own cookie (anonymous: none at all).
                headers = {"Reflex-Client-Token": client.token, "Reflex-Event-Handler": h.name}
                if account is not None:
                    headers["Cookie"] = account.cookie
                response = await http.post(
                    "/_upload",
                    headers=headers,
                    files={
                        "files": (
                            "members.csv",
                            b"fullName,email\nUp Loaded,up.loaded@example.com\n",
                            "text/csv",
                        )
                    },
                )
                await client.settle()
                checked += 1
                messages = client.messages[start:]
                label = f"POST /_upload -> {h.short} as {role_name(role)} [{h.policy.describe()}]"
                if role is None:
                    # Refused before the body is read: no live session in the upload's own cookie.
                    if response.status_code != 401 or db_changes(before, db.snapshot()):
                        failures.append(f"{label}: expected 401, got {response.status_code}")
                    continue
                streamed = [json.loads(line) for line in response.text.splitlines() if line.strip()]
                if response.status_code != 200:
                    failures.append(
                        f"{label}: the endpoint answered {response.status_code} {response.text[:200]}"
                    )
                if allowed:
                    if refusals(messages):
                        failures.append(f"{label}: allowed by its policy but refused")
                    elif not (changes(messages) or any(u.get("delta") for u in streamed)):
                        failures.append(f"{label}: control failed, the upload changed nothing")
                    continue
                if db_changes(before, db.snapshot()):
                    failures.append(f"{label}: REFUSED ROLE CHANGED THE DATABASE")
                if any(update.get("delta") for update in streamed) or changes(messages):
                    failures.append(f"{label}: state changed: {streamed[:2]} {changes(messages)[:3]}")
                expected = [] if role is None else ["denied toast"]
                if refusals(messages) != expected:
                    failures.append(f"{label}: expected {expected or 'silence'}, got {refusals(messages)}")
    finally:
        await client.close()
    MATRIX["upload endpoint"] += checked
    return checked, failures


def test_the_upload_endpoint_applies_the_same_policies(
    app_server: AppServer, cast: Cast, server_db: Database, handlers: list[Handler]
) -> None:
    """Upload handlers are also reachable over HTTP (`/_upload`, named by headers, for a client token):
    that transport must be refused exactly like the socket."""
    uploads = [h for h in handlers if any(p.kind == "upload" for p in h.params)]
    if not uploads:
        pytest.skip("the app has no upload handler")
    failures: list[str] = []
    total = 0
    for role in ROLES:
        checked, found = asyncio.run(_uploads_for(role, app_server, cast, server_db, uploads))
        total += checked
        failures += found
    if not total:
        pytest.skip("the app does not serve its upload handlers yet")
    assert not failures, "\n".join(failures)
