"""The members pages' state handlers without a server: guards, argument checks, what reaches the client.

Each client is a fresh state tree as Reflex builds it for a new tab (tests/support/states.py); the
cookie -> actor lookup is a table, and the handlers' units of work run in the test's rolled-back
transaction (both engines).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from reflex.state import State
from sqlmodel import Session, select

import thrust.thrust  # noqa: F401  (registers every page's states, as the running app does)
from tests.factories import actor_for, make_member, make_user, make_visit
from tests.planner.plans import plan_document
from tests.support.states import call, run, said, scope_in, sessions
from tests.support.states import client as new_client
from tests.support.states import signed_in as harness_signed_in
from thrust.auth.policy import DENIED_MESSAGE
from thrust.auth.rbac import Actor
from thrust.auth.state import AuthState, forget_if_stale, verify
from thrust.core.reflex_compat import call_handler, handler_function
from thrust.core.settings import get_settings
from thrust.core.text import initials
from thrust.gym import clock as gym_clock
from thrust.members import directory as member_directory
from thrust.members import search, service
from thrust.members.directory_rows import MemberRow
from thrust.members.directory_state import MembersState
from thrust.members.form_state import MemberFormState
from thrust.members.import_state import ImportState
from thrust.members.profile_state import MemberProfileState
from thrust.models import Member, MembershipTier, MemberStatus, Role, User
from thrust.planner import progress
from thrust.planner import service as plans
from thrust.ui import feedback
from thrust.ui import format as ui_format

NOT_UNDERSTOOD = "not understood"


@pytest.fixture
def people(db: Session) -> dict[str, Any]:
    admin = make_user(db, role=Role.ADMIN, full_name="Gym Admin")
    coach = make_user(db, role=Role.TRAINER, full_name="Marcus Reid")
    today = date.today()
    members = {
        "zoe": make_member(db, full_name="Zoë Ångström", trainer=coach, end=today + timedelta(days=5)),
        "ana": make_member(db, full_name="Ana Ruiz", trainer=coach, tier=MembershipTier.VIP),
        "bob": make_member(db, full_name="Bob Stone", status=MemberStatus.FROZEN),
        "cy": make_member(db, full_name="Cy Twombly", end=today - timedelta(days=2)),
    }
    member_user = db.get(User, members["cy"].user_id)
    return {"admin": admin, "coach": coach, "member_user": member_user, **members}


@pytest.fixture(autouse=True)
def wiring(
    db: Session, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[dict[str, Actor]]:
    """Cookies name the people above (a live table); units of work run in the test's transaction."""
    table: dict[str, Actor] = {
        "thrust_access=admin": actor_for(people["admin"]),
        "thrust_access=coach": actor_for(people["coach"]),
        "thrust_access=member": actor_for(people["member_user"]),
    }
    live = sessions(monkeypatch, table)
    monkeypatch.setattr(feedback, "session_scope", scope_in(db))
    monkeypatch.setenv("THRUST_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield live
    get_settings.cache_clear()


async def signed_in(root: State) -> None:
    """The page-load check: the cookie's user is adopted (the page's loaders, if any, come back)."""
    await harness_signed_in(root)


def client(cookie: str, path: str = "/members") -> State:
    return new_client(cookie, path)


async def directory(cookie: str = "thrust_access=admin", path: str = "/members") -> MembersState:
    root = client(cookie, path)
    await signed_in(root)
    members = await root.get_state(MembersState)
    await call(MembersState.open_directory, members)
    return members


# -- the directory ---------------------------------------------------------------------------------------


def test_the_directory_holds_one_page_of_small_rows() -> None:
    async def scenario() -> None:
        members = await directory()
        assert members.loaded and not members.loading and members.error == ""
        assert [r.name for r in members.rows] == ["Ana Ruiz", "Bob Stone", "Cy Twombly", "Zoë Ångström"]
        assert members.total == 4 and members.total_exact and members.range_label == "1–4 of 4"
        zoe = members.rows[-1]
        assert (zoe.cue, zoe.cue_tone, zoe.trainer, zoe.last_visit) == (
            "expires in 5 days",
            "amber",
            "Marcus Reid",
            "Never",
        )
        assert members.rows[2].cue_tone == "red"
        assert [t.name for t in members.trainers] == ["Marcus Reid"]
        assert members.export_href == "/api/v1/members/export"
        # What the client receives: the page, never the search key or other internals.
        delta = await members._get_root_state()._get_resolved_delta()
        assert "search_text" not in str(delta) and "zoe angstrom" not in str(delta)

    run(scenario())


def test_the_view_comes_from_the_address_and_bad_values_are_ignored(people: dict[str, Any]) -> None:
    async def scenario() -> None:
        members = await directory(
            path="/members?status=FROZEN&sort=membershipEnd&order=desc&limit=50&tier=GOLD"
        )
        assert (members.status, members.sort, members.order, members.limit, members.tier) == (
            "FROZEN",
            "membershipEnd",
            "desc",
            50,
            "all",
        )
        assert [r.name for r in members.rows] == ["Bob Stone"]
        assert "status=FROZEN" in members.export_href and "sort" not in members.export_href
        trainer = str(people["coach"].id)
        members = await directory(path=f"/members?trainer={trainer}&q=zo&page=abc")
        assert members.trainer == trainer and members.page == 1
        assert [r.name for r in members.rows] == ["Zoë Ångström"]

    run(scenario())


def test_search_filters_sort_and_pages() -> None:
    async def scenario() -> None:
        members = await directory()
        await call(MembersState.search, members, "ruiz")
        assert [r.name for r in members.rows] == ["Ana Ruiz"] and "q=ruiz" in members.export_href
        await call(MembersState.search, members, "")
        await call(MembersState.filter_tier, members, "VIP")
        assert [r.name for r in members.rows] == ["Ana Ruiz"]
        await call(MembersState.clear_filters, members)
        await call(MembersState.filter_membership, members, "expired")
        assert [r.name for r in members.rows] == ["Cy Twombly"]
        await call(MembersState.filter_membership, members, "7")
        assert [r.name for r in members.rows] == ["Zoë Ångström"]
        await call(MembersState.filter_membership, members, "all")
        await call(MembersState.filter_trainer, members, "none")
        assert [r.name for r in members.rows] == ["Bob Stone", "Cy Twombly"]
        await call(MembersState.clear_filters, members)
        await call(MembersState.sort_by, members, "name")  # same column: the order flips
        assert members.order == "desc" and members.rows[0].name == "Zoë Ångström"
        await call(MembersState.sort_by, members, "membershipEnd")  # a new column starts ascending
        assert members.order == "asc" and members.rows[0].name == "Cy Twombly"
        await call(MembersState.set_page_size, members, "25")
        await call(MembersState.go_to_page, members, 7)  # past the end: the last page
        assert members.page == 1 and len(members.rows) == 4
        await call(MembersState.search, members, "nobody at all")
        assert members.rows == [] and members.total == 0 and members.has_filters

    run(scenario())


def test_next_and_previous_seek_with_cursors_past_the_offset_limit(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With offsets allowed to reach only the first page, Next still reads every page (through the
    cursor of the page before) and Previous comes back; a search's inside matches are marked."""
    for n in range(6):
        make_member(db, full_name=f"Paged Person {n}")
    monkeypatch.setattr(search, "MAX_OFFSET", 0)

    async def scenario() -> None:
        members = await directory()
        await call(MembersState.set_page_size, members, "25")
        await call(MembersState.search, members, "paged")
        members.limit = 4  # a page size the picker does not offer: two pages of six
        await call(MembersState.retry, members)
        assert [r.name for r in members.rows] == [f"Paged Person {n}" for n in range(4)]
        await call(MembersState.go_to_page, members, 2)
        assert members.page == 2 and [r.name for r in members.rows] == ["Paged Person 4", "Paged Person 5"]
        await call(MembersState.go_to_page, members, 1)
        assert members.rows[0].name == "Paged Person 0"
        await call(MembersState.go_to_page, members, 2)
        assert members.rows[0].name == "Paged Person 4"
        await call(MembersState.search, members, "tone")  # inside "Stone" only
        assert [(r.name, r.inside, r.first_inside) for r in members.rows] == [("Bob Stone", True, True)]

    run(scenario())


def test_the_view_handlers_take_their_arguments_by_name_as_reflex_sends_them() -> None:
    async def scenario() -> None:
        members = await directory()
        for name, arguments in (
            ("search", {"value": "ruiz"}),
            ("filter_tier", {"value": "VIP"}),
            ("sort_by", {"column": "membershipEnd"}),
            ("go_to_page", {"page": 1}),
        ):
            async for _ in handler_function(getattr(MembersState, name))(members, **arguments):
                pass
        assert [r.name for r in members.rows] == ["Ana Ruiz"] and members.sort == "membershipEnd"
        refused = [e async for e in handler_function(MembersState.search)(members, value=["x"])]
        assert NOT_UNDERSTOOD in said(refused)

    run(scenario())


@pytest.mark.parametrize(
    ("handler", "args"),
    [
        (MembersState.search, ({"$gt": ""},)),
        (MembersState.search, ("x" * 10_000,)),
        (MembersState.search, (None,)),
        (MembersState.filter_status, ("DELETED",)),
        (MembersState.filter_tier, (["VIP"],)),
        (MembersState.filter_trainer, ("not-a-trainer",)),
        (MembersState.filter_membership, ("365",)),
        (MembersState.sort_by, ("salary",)),
        (MembersState.set_page_size, ("100000",)),
        (MembersState.go_to_page, ("2",)),
        (MembersState.go_to_page, (True,)),
        (MembersState.toggle_row, (str(uuid.uuid4()), True)),  # not on this page
        (MembersState.toggle_row, ("x", "yes")),
        (MembersState.toggle_page, ("yes",)),
        (MembersState.ask_bulk, ("delete",)),
    ],
)
def test_a_bad_argument_gets_a_toast_and_changes_nothing(handler: Any, args: tuple[Any, ...]) -> None:
    async def scenario() -> None:
        members = await directory()
        before = (members.query, members.status, members.tier, members.trainer, members.membership)
        before += (members.sort, members.order, members.page, members.limit, list(members.selected))
        rows = list(members.rows)
        out = await call(handler, members, *args)
        assert NOT_UNDERSTOOD in said(out)
        after = (members.query, members.status, members.tier, members.trainer, members.membership)
        after += (members.sort, members.order, members.page, members.limit, list(members.selected))
        assert after == before and members.rows == rows and not members.bulk_open

    run(scenario())


def test_a_trainer_sees_only_assigned_members_and_cannot_select() -> None:
    async def scenario() -> None:
        members = await directory("thrust_access=coach")
        assert [r.name for r in members.rows] == ["Ana Ruiz", "Zoë Ångström"]
        out = await call(MembersState.toggle_row, members, members.rows[0].id, True)
        assert DENIED_MESSAGE in said(out) and members.selected == []
        out = await call(MembersState.ask_bulk, members, "freeze")
        assert DENIED_MESSAGE in said(out) and not members.bulk_open

    run(scenario())


def test_a_member_is_kept_out_of_the_directory(people: dict[str, Any]) -> None:
    async def scenario() -> None:
        root = client("thrust_access=member")
        auth = await root.get_state(AuthState)
        # The page itself sends a member home with a word of explanation ...
        assert "not part of your account" in said([await call_handler(AuthState.require_login, auth)])
        # ... and its loader, called anyway, sends them to their own profile and loads nothing.
        members = await root.get_state(MembersState)
        out = await call(MembersState.open_directory, members)
        assert f"/members/{people['cy'].id}" in said(out)
        assert members.rows == []
        out = await call(MembersState.search, members, "a")
        assert DENIED_MESSAGE in said(out) and members.rows == [] and members.query == ""

    run(scenario())


def test_bulk_action_on_the_selection_asks_with_the_count_then_applies_once(
    db: Session, people: dict[str, Any]
) -> None:
    async def scenario() -> None:
        members = await directory()
        ana, bob = members.rows[0].id, members.rows[1].id
        await call(MembersState.toggle_row, members, ana, True)
        await call(MembersState.toggle_row, members, bob, True)
        assert members.selection_label == "2 members selected"
        await call(MembersState.ask_bulk, members, "freeze")
        assert members.bulk_open and members.bulk_count == 2 and members.bulk_title == "Freeze 2 members?"
        out = await call(MembersState.confirm_bulk, members)
        assert "Froze 2 members" in said(out)
        assert not members.bulk_open and members.selected == []
        statuses = {m.full_name: m.status for m in db.exec(select(Member)).all()}
        assert statuses["Ana Ruiz"] == statuses["Bob Stone"] == MemberStatus.FROZEN
        assert statuses["Zoë Ångström"] == MemberStatus.ACTIVE
        # Confirming again without asking does nothing.
        out = await call(MembersState.confirm_bulk, members)
        assert "Nothing to confirm" in said(out)

    run(scenario())


def test_bulk_action_on_everyone_matching_the_filter(db: Session) -> None:
    async def scenario() -> None:
        members = await directory()
        await call(MembersState.filter_trainer, members, "none")
        await call(MembersState.toggle_page, members, True)
        await call(MembersState.select_all_matching, members)
        assert members.all_matching
        await call(MembersState.ask_bulk, members, "deactivate")
        assert members.bulk_count == 2
        out = await call(MembersState.confirm_bulk, members)
        assert "Deactivated 2 members" in said(out)
        inactive = {
            m.full_name for m in db.exec(select(Member).where(Member.status == MemberStatus.INACTIVE))
        }
        assert inactive == {"Bob Stone", "Cy Twombly"}

    run(scenario())


# -- the profile ---------------------------------------------------------------------------------------------


async def profile(cookie: str, member_id: Any) -> MemberProfileState:
    root = client(cookie, f"/members/{member_id}")
    await signed_in(root)
    state = await root.get_state(MemberProfileState)
    await call(MemberProfileState.open_profile, state)
    return state


def test_the_profile_shows_the_member_and_what_the_viewer_may_do(db: Session, people: dict[str, Any]) -> None:
    make_visit(db, people["zoe"], hours_ago=30, minutes=75)
    make_visit(db, people["zoe"], hours_ago=3, minutes=None)

    async def scenario() -> None:
        admin = await profile("thrust_access=admin", people["zoe"].id)
        m = admin.member
        assert (m.name, m.tier, m.status, m.cue, m.trainer) == (
            "Zoë Ångström",
            "BASIC",
            "ACTIVE",
            "expires in 5 days",
            "Marcus Reid",
        )
        assert m.inside_now and m.visits_30 == 2 and m.average_visit == "1 h 15 min"
        assert len(admin.visits) == 2 and admin.visits[0].open and admin.visits_label == "1–2 of 2 visits"
        assert admin.can_edit and admin.can_edit_membership and admin.can_delete
        coach = await profile("thrust_access=coach", people["zoe"].id)
        assert coach.can_edit and not coach.can_edit_membership and not coach.can_delete
        # Not theirs: the same answer as a member that does not exist.
        other = await profile("thrust_access=coach", people["bob"].id)
        assert other.error.startswith("This member does not exist") and other.member.name == ""
        nothing = await profile("thrust_access=admin", "not-an-id")
        assert nothing.error and nothing.loaded
        own = await profile("thrust_access=member", people["cy"].id)
        assert own.member.name == "Cy Twombly" and not own.can_edit and not own.can_delete

    run(scenario())


def test_status_changes_and_delete_are_for_admins(db: Session, people: dict[str, Any]) -> None:
    make_visit(db, people["bob"], hours_ago=50)

    async def scenario() -> None:
        coach = await profile("thrust_access=coach", people["zoe"].id)
        out = await call(MemberProfileState.change_status, coach, "freeze")
        assert DENIED_MESSAGE in said(out)
        assert db.get(Member, people["zoe"].id).status == MemberStatus.ACTIVE
        out = await call(MemberProfileState.ask_delete, coach)
        assert DENIED_MESSAGE in said(out) and not coach.delete_open

        admin = await profile("thrust_access=admin", people["bob"].id)
        out = await call(MemberProfileState.change_status, admin, "activate")
        assert "is now active" in said(out) and admin.member.status == "ACTIVE"
        await call(MemberProfileState.ask_delete, admin)
        assert admin.delete_open and admin.delete_visits == 1 and admin.delete_plans == 0
        assert "1 visit and 0 workout plans" in admin.delete_summary
        out = await call(MemberProfileState.deactivate_instead, admin)
        assert not admin.delete_open and admin.member.status == "INACTIVE"
        await call(MemberProfileState.ask_delete, admin)
        out = await call(MemberProfileState.confirm_delete, admin)
        assert "Deleted Bob Stone" in said(out) and "/members" in said(out)
        assert db.exec(select(Member.id).where(Member.id == people["bob"].id)).first() is None

    run(scenario())


@pytest.mark.parametrize("door", ["next event", "reconnect"])
def test_rows_loaded_under_an_earlier_role_are_dropped_when_the_role_changes(
    door: str, db: Session, people: dict[str, Any], wiring: dict[str, Actor]
) -> None:
    async def scenario() -> None:
        members = await directory()
        bob_email = db.get(User, people["bob"].user_id).email
        assert bob_email in {row.email for row in members.rows}  # loaded as admin
        demoted = Actor(user_id=people["admin"].id, email="a@example.com", role=Role.TRAINER)
        wiring["thrust_access=admin"] = demoted
        auth = await members.get_state(AuthState)
        if door == "next event":
            assert await verify(auth) == demoted  # what the middleware does before each event
        else:
            await forget_if_stale(auth)  # what it does before a hydrate
        assert members.rows == [] and not members.loaded
        assert auth.is_authenticated and auth.role_label == "Trainer"

    run(scenario())


# -- the member form ---------------------------------------------------------------------------------------


def _form(**values: str) -> dict[str, str]:
    base = {
        "fullName": "Lena Fischer",
        "email": f"lena.{uuid.uuid4().hex[:6]}@example.com",
        "phone": "+49 30 1234567",
        "dateOfBirth": "1990-04-12",
        "gender": "female",
        "membershipTier": "PREMIUM",
        "membershipStart": date.today().isoformat(),
        "membershipEnd": (date.today() + timedelta(days=365)).isoformat(),
        "status": "ACTIVE",
        "assignedTrainerId": "none",
    }
    return {**base, **values}


def test_creating_shows_field_messages_then_creates_the_member_and_login(db: Session) -> None:
    async def scenario() -> None:
        root = client("thrust_access=admin")
        await signed_in(root)
        form = await root.get_state(MemberFormState)
        await call(MemberFormState.open_create, form)
        assert form.open and not form.editing and form.values.membershipStart == date.today().isoformat()
        bad = _form(
            email="not-an-email",
            phone="12",
            dateOfBirth="1800-01-01",
            membershipEnd=(date.today() - timedelta(days=1)).isoformat(),
        )
        out = await call(MemberFormState.save, form, bad)
        assert "highlighted" in said(out) and form.open
        assert set(form.errors) == {"email", "phone", "dateOfBirth", "membershipEnd"}
        assert db.exec(select(Member).where(Member.full_name == "Lena Fischer")).first() is None
        good = _form()
        out = await call(MemberFormState.save, form, good)
        assert "Added Lena Fischer" in said(out) and not form.open and form.errors == {}
        member = db.exec(select(Member).where(Member.full_name == "Lena Fischer")).one()
        assert f"/members/{member.id}" in said(out) and member.membership_tier == MembershipTier.PREMIUM
        user = db.get(User, member.user_id)
        assert user.email == good["email"] and user.role == Role.MEMBER
        # The same email again is reported on the email field.
        await call(MemberFormState.open_create, form)
        await call(MemberFormState.save, form, _form(email=good["email"]))
        assert "already" in form.errors["email"]

    run(scenario())


def test_a_trainer_edits_personal_data_but_never_tier_status_or_trainer(
    db: Session, people: dict[str, Any]
) -> None:
    async def scenario() -> None:
        root = client("thrust_access=coach")
        await signed_in(root)
        form = await root.get_state(MemberFormState)
        out = await call(MemberFormState.open_create, form)
        assert DENIED_MESSAGE in said(out) and not form.open
        await call(MemberFormState.open_edit, form, str(people["ana"].id))
        assert form.open and form.editing and not form.can_edit_membership
        assert form.values.trainerName == "Marcus Reid" and form.values.membershipTier == "VIP"
        ana = db.get(Member, people["ana"].id)
        start, end, email = ana.membership_start, ana.membership_end, db.get(User, ana.user_id).email
        # A form carrying any admin-only field (the trainer's form has no input for them) is refused
        # whole: nothing of it is saved.
        for field, value in {
            "membershipTier": "BASIC",
            "status": "FROZEN",
            "assignedTrainerId": "none",
            "email": "ana.maria@example.com",
            "membershipStart": "2020-01-01",
            "membershipEnd": "2099-12-31",
        }.items():
            values = {**_form(fullName="Ana Changed"), field: value}
            values = {k: v for k, v in values.items() if k not in service.ADMIN_ONLY_FIELDS or k == field}
            out = await call(MemberFormState.save, form, values)
            assert service.ADMIN_ONLY_MESSAGE in said(out), field
            assert form.open, field
        # The form as the page sends it to a trainer: personal data, the locked fields under names no
        # service field has, and null for the admins' inputs it did not show.
        values = {
            k: v for k, v in _form(fullName="Ana María Ruiz").items() if k not in service.ADMIN_ONLY_FIELDS
        }
        values.update(emailReadOnly="ana.maria@example.com", membershipEndReadOnly="2099-12-31")
        values.update(member_email=None, member_end=None)
        out = await call(MemberFormState.save, form, values)
        assert "Saved Ana María Ruiz" in said(out)
        db.expire_all()
        ana = db.get(Member, people["ana"].id)
        assert ana.full_name == "Ana María Ruiz" and ana.membership_tier == MembershipTier.VIP
        assert ana.status == MemberStatus.ACTIVE and ana.assigned_trainer_id == people["coach"].id
        assert (ana.membership_start, ana.membership_end) == (start, end)
        assert db.get(User, ana.user_id).email == email
        # Someone else's member cannot even be opened.
        out = await call(MemberFormState.open_edit, form, str(people["bob"].id))
        assert "not found" in said(out).lower()
        # Nor can a form carry non-text values.
        out = await call(MemberFormState.save, form, {"fullName": ["x"]})
        assert NOT_UNDERSTOOD in said(out)

    run(scenario())


# -- import -------------------------------------------------------------------------------------------------

GOOD = (
    b"Name;E-mail;Mobile;Birthday;Plan;Expiry\n"
    b"Lena Fischer;lena.import@example.com;+49 30 1234567;12.04.1990;premium;31.12.2030\n"
    b"Jonas Weber;jonas.import@example.com;;01.01.1985;VIP;30.06.2030\n"
)
BAD = (
    GOOD
    + b"Broken Row;not-an-email;12;1.1.1;gold;someday\nLena Again;lena.import@example.com;;;;31.12.2030\n"
)


def kept(folder: Path) -> list[Path]:
    """The uploads kept on disk for a later dry run or import."""
    return list(folder.glob("imports/*.csv"))


class FakeUpload:
    def __init__(self, data: bytes, name: str = "members.csv") -> None:
        self._data, self.name = data, name

    async def read(self, size: int = -1) -> bytes:
        return self._data if size < 0 else self._data[:size]


async def dry_run(state: ImportState) -> list[Any]:
    """The check button: a guarded handler that hands the work to a background event."""
    out = await call(ImportState.check, state)
    if out == [ImportState.run_check]:
        out += await call(ImportState.run_check, state)  # `async with self` is a no-op off the server
    return out


async def importer(data: bytes) -> ImportState:
    root = client("thrust_access=admin")
    await signed_in(root)
    state = await root.get_state(ImportState)
    await call(ImportState.open_import, state)
    await call(ImportState.upload, state, [FakeUpload(data)])
    return state


def test_import_dry_run_reports_problems_and_writes_nothing(db: Session) -> None:
    before = len(db.exec(select(Member)).all())

    async def scenario() -> None:
        state = await importer(BAD)
        assert state.step == "map" and state.row_count == 4
        assert {r.column: r.field for r in state.mapping}["E-mail"] == "email"
        await call(ImportState.set_date_format, state, "DD.MM.YYYY")
        await dry_run(state)
        assert state.step == "report" and not state.can_import
        assert state.ready == 2 and state.rows_with_errors == 2
        assert {p.line for p in state.problems} == {
            4,
            5,
        } and "lena.import@example.com" in state.duplicate_emails
        out = await call(ImportState.start_import, state)
        assert "Check the file first" in said(out) and state.step == "report"

    run(scenario())
    assert len(db.exec(select(Member)).all()) == before


def test_import_of_a_clean_file_is_approved_only_for_what_was_checked(db: Session) -> None:
    async def scenario() -> None:
        state = await importer(GOOD)
        await call(ImportState.set_date_format, state, "DD.MM.YYYY")
        await dry_run(state)
        assert state.can_import and state.ready == 2 and state.problems == []
        # Changing the mapping after the check withdraws the approval.
        await call(ImportState.set_field, state, "Mobile", "ignore")
        out = await call(ImportState.start_import, state)
        assert "Check the file first" in said(out)
        await dry_run(state)
        out = await call(ImportState.start_import, state)
        assert out == [ImportState.run_import] and state.step == "importing"
        out = await call(ImportState.run_import, state)
        assert "Imported 2 members" in said(out) and state.step == "done" and state.imported == 2
        assert state.progress == 100 and state._upload == ""

    run(scenario())
    lena = db.exec(select(Member).where(Member.full_name == "Lena Fischer")).one()
    assert lena.membership_tier == MembershipTier.PREMIUM and lena.membership_end == date(2030, 12, 31)


def test_an_import_that_fails_after_the_check_writes_nothing(db: Session) -> None:
    async def scenario() -> None:
        state = await importer(GOOD)
        await call(ImportState.set_date_format, state, "DD.MM.YYYY")
        await dry_run(state)
        assert state.can_import
        # Someone takes one of the emails between the check and the import.
        make_member(db, full_name="Early Bird", email="jonas.import@example.com")
        await call(ImportState.start_import, state)
        out = await call(ImportState.run_import, state)
        assert "Nothing was imported" in said(out) and state.step == "report" and not state.can_import

    run(scenario())
    assert db.exec(select(Member).where(Member.full_name == "Lena Fischer")).first() is None


def test_import_refuses_big_files_bad_mappings_and_non_admins(tmp_path: Path) -> None:
    async def scenario() -> None:
        state = await importer(b"a,b\n" + b"x" * (6 * 1024 * 1024))
        assert state.step == "upload" and state._upload == ""
        assert not kept(tmp_path)  # refused before anything was kept
        state = await importer(GOOD)
        out = await call(ImportState.set_field, state, "No such column", "email")
        assert NOT_UNDERSTOOD in said(out)
        out = await call(ImportState.set_field, state, "Name", "password_hash")
        assert NOT_UNDERSTOOD in said(out)
        await call(ImportState.set_field, state, "E-mail", "ignore")
        await dry_run(state)
        assert "Email" in state.mapping_error and state.step == "map"
        root = client("thrust_access=coach")
        await signed_in(root)
        coach = await root.get_state(ImportState)
        out = await call(ImportState.upload, coach, [FakeUpload(GOOD)])
        assert DENIED_MESSAGE in said(out) and coach._upload == ""

    run(scenario())


def test_uploads_are_kept_on_disk_not_in_state(tmp_path: Path) -> None:
    async def scenario() -> None:
        state = await importer(GOOD)
        stored = kept(tmp_path)
        assert len(stored) == 1 and stored[0].read_bytes() == GOOD
        # Only the first row shows (as the columns' samples); the file itself never goes to the client.
        delta = str(await state._get_root_state()._get_resolved_delta())
        assert "lena.import@example.com" in delta and "jonas.import@example.com" not in delta
        await call(ImportState.close_import, state)
        assert not kept(tmp_path)

    run(scenario())


def test_relative_times_and_labels() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    cases = {
        None: "Never",
        now - timedelta(seconds=20): "just now",
        now - timedelta(minutes=1): "1 minute ago",
        now - timedelta(hours=3): "3 hours ago",
        now - timedelta(hours=30): "yesterday",
        now - timedelta(days=5): "5 days ago",
        now - timedelta(days=65): "2 months ago",
        now - timedelta(days=800): "2 years ago",
    }
    for moment, text in cases.items():
        assert ui_format.relative_time(moment, now) == text
    assert ui_format.minutes_label(75) == "1 h 15 min" and ui_format.minutes_label(42) == "42 min"
    assert initials("Zoë Ångström") == "ZÅ" and initials("") == "?"
    assert ui_format.count_label(1, "member") == "1 member"


def test_capped_totals_read_as_lower_bounds() -> None:
    state = MembersState(_reflex_internal_init=True)  # type: ignore[call-arg]  # Reflex's own flag for a state built outside an app
    state.rows = [MemberRow(id=str(i)) for i in range(25)]
    state.total, state.total_exact, state.limit, state.page = 2_000, False, 25, 3
    assert state.range_label == "51–75 of 2,000+" and state.page_label == "Page 3" and state.has_next
    state.total_exact, state.total = True, 60
    assert state.page_label == "Page 3 of 3" and not state.has_next
    assert (
        member_directory.count_limit_for(search.MemberFilters(query="a"))
        == member_directory.SEARCH_COUNT_LIMIT
    )


def test_a_capped_count_from_a_real_load_reads_as_a_lower_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(member_directory, "BROWSE_COUNT_LIMIT", 3)  # the directory lists 4 members

    async def scenario() -> None:
        members = await directory()
        assert len(members.rows) == 4 and members.total == 3 and not members.total_exact
        assert members.range_label.endswith(" of 3+") and members.page_label == "Page 1"

    run(scenario())


def test_the_profile_shows_the_members_workout_plan_as_the_planner_lets_the_viewer_see_it(
    db: Session, people: dict[str, Any]
) -> None:
    admin = actor_for(people["admin"])
    ana = people["ana"]

    def plan_for(member: Member, title: str, days_ago: int) -> Any:
        start = (gym_clock.today(db) - timedelta(days=days_ago)).isoformat()
        body = {"memberId": str(member.id), "title": title, "planData": plan_document(), "startsOn": start}
        return plans.create_plan(db, admin, body)

    plan_for(ana, "Winter base", 60)
    plan = plan_for(ana, "Spring strength", 9)  # day 10: five days due (days 1, 3, 5, 8 and 10)
    for week, day in ((1, 1), (1, 3), (2, 5)):
        progress.record_progress(db, admin, plan.id, {"weekNumber": week, "dayNumber": day})
    plan_for(people["cy"], "Starts soon", -3)

    async def scenario() -> None:
        coach = await profile("thrust_access=coach", ana.id)
        card = coach.plan
        assert card.has_plan and card.title == "Spring strength"
        assert card.completion == "3 of 12 days done (25%)"
        assert card.adherence == "2 of 5 days due so far (40%)"
        assert [(w.label, w.text, w.fill) for w in card.weeks] == [
            ("Week 1", "2 of 3 days", "67%"),
            ("Week 2", "1 of 3 days", "33%"),
            ("Week 3", "0 of 3 days", "0%"),
            ("Week 4", "0 of 3 days", "0%"),
        ]
        assert card.other_plans == "1 other plan"
        assert card.print_url == f"/planner/print/{plan.id}"
        assert card.planner_url == f"/planner?member={ana.id}"

        own = await profile("thrust_access=member", people["cy"].id)
        assert own.plan.has_plan and own.plan.adherence == "Nothing due yet"
        assert own.plan.other_plans == "No other plans" and own.plan.planner_url == ""  # members do not edit

        none = await profile("thrust_access=admin", people["bob"].id)
        assert not none.plan.has_plan and none.plan.other_plans == "No other plans"
        assert none.plan.planner_url == f"/planner?member={people['bob'].id}"

    run(scenario())


def test_the_delete_confirmation_counts_the_workout_plans_that_go_with_the_member(
    db: Session, people: dict[str, Any]
) -> None:
    admin = actor_for(people["admin"])
    for title in ("First", "Second"):
        body = {"memberId": str(people["bob"].id), "title": title, "planData": plan_document()}
        plans.create_plan(db, admin, body)

    async def scenario() -> None:
        state = await profile("thrust_access=admin", people["bob"].id)
        await call(MemberProfileState.ask_delete, state)
        assert state.delete_open and state.delete_plans == 2
        assert "0 visits and 2 workout plans" in state.delete_summary

    run(scenario())
