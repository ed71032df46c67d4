"""Members over HTTP: envelope, filters in the query string, RBAC and ownership, errors, CSV in and out."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from tests.factories import make_member, make_user
from thrust.auth import sessions
from thrust.core.http import create_api
from thrust.members.api import router
from thrust.models import Member, MemberStatus, Role, User


@pytest.fixture
def client(make_client: Callable, db: Session) -> TestClient:
    return make_client(create_api([router]))


def bearer(db: Session, user: User) -> dict[str, str]:
    tokens = sessions.start_session(db, user, user_agent="pytest", ip="127.0.0.1")
    return {"Authorization": f"Bearer {tokens.access_token}"}


@pytest.fixture
def people(db: Session) -> dict[str, object]:
    admin = make_user(db, role=Role.ADMIN)
    coach = make_user(db, role=Role.TRAINER)
    zoe = make_member(db, full_name="Zoë Ångström", trainer=coach)
    bob = make_member(db, full_name="Bob Stone", status=MemberStatus.FROZEN)
    return {
        "admin": bearer(db, admin),
        "coach": bearer(db, coach),
        "zoe_login": bearer(db, db.get(User, zoe.user_id)),
        "zoe": zoe,
        "bob": bob,
        "coach_user": coach,
    }


def test_list_uses_the_seed_envelope(client: TestClient, people: dict) -> None:
    response = client.get("/api/v1/members", params={"q": "ANGSTROM", "limit": 10}, headers=people["admin"])
    assert response.status_code == 200
    body = response.json()
    # The seed's four fields as they were, and two more (backward compatible).
    assert body["pagination"] == {
        "total": 1,
        "page": 1,
        "limit": 10,
        "totalPages": 1,
        "totalIsExact": True,
        "nextCursor": None,
    }
    row = body["data"][0]
    assert row["fullName"] == "Zoë Ångström" and row["membershipTier"] == "BASIC"
    assert {"membershipCue", "daysLeft", "trainerName", "lastVisitAt"} <= set(row)
    assert row["matchedInside"] is False


def test_matches_inside_names_follow_and_are_marked(client: TestClient, db: Session, people: dict) -> None:
    make_member(db, full_name="Ana Firestone")
    body = client.get("/api/v1/members", params={"q": "ston"}, headers=people["admin"]).json()
    assert [(r["fullName"], r["matchedInside"]) for r in body["data"]] == [
        ("Bob Stone", False),
        ("Ana Firestone", True),
    ]


def test_pages_read_on_with_the_next_cursor(client: TestClient, db: Session, people: dict) -> None:
    for n in range(5):
        make_member(db, full_name=f"Cursor Person {n}")
    seen: list[str] = []
    params: dict[str, object] = {"q": "cursor", "limit": 2, "sort": "name", "order": "desc"}
    for _ in range(5):
        body = client.get("/api/v1/members", params=params, headers=people["admin"]).json()
        seen += [row["fullName"] for row in body["data"]]
        assert body["pagination"]["total"] == 5
        if body["pagination"]["nextCursor"] is None:
            break
        params["after"] = body["pagination"]["nextCursor"]
    assert seen == [f"Cursor Person {n}" for n in (4, 3, 2, 1, 0)]
    # A cursor of another order, a broken one, and a page past the offset limit: the seed's error.
    for bad in ({**params, "order": "asc"}, {"after": "garbage"}, {"page": 5000, "limit": 100}):
        response = client.get("/api/v1/members", params=bad, headers=people["admin"])
        assert response.status_code == 400, bad
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR" and error["details"][0]["field"] in ("after", "page")
        assert error["details"][0]["message"]


def test_filters_repeat_or_comma_separate(client: TestClient, people: dict) -> None:
    url = "/api/v1/members"
    frozen = client.get(url, params={"status": "FROZEN"}, headers=people["admin"]).json()["data"]
    both = client.get(
        url, params=[("status", "FROZEN"), ("status", "ACTIVE")], headers=people["admin"]
    ).json()
    assert [r["fullName"] for r in frozen] == ["Bob Stone"] and both["pagination"]["total"] == 2


def test_limit_over_100_is_a_validation_error(client: TestClient, people: dict) -> None:
    response = client.get("/api/v1/members", params={"limit": 500, "sort": "salary"}, headers=people["admin"])
    assert response.status_code == 422  # the document says 1..100 and the sort keys
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert {d["field"] for d in error["details"]} == {"limit", "sort"}


def test_rbac_and_ownership(client: TestClient, people: dict) -> None:
    zoe, bob = people["zoe"], people["bob"]
    assert client.get("/api/v1/members").status_code == 401
    assert client.get("/api/v1/members", headers=people["zoe_login"]).status_code == 403
    coach_list = client.get("/api/v1/members", headers=people["coach"]).json()
    assert [r["fullName"] for r in coach_list["data"]] == ["Zoë Ångström"]
    assert client.get(f"/api/v1/members/{bob.id}", headers=people["coach"]).status_code == 404
    assert client.get(f"/api/v1/members/{zoe.id}", headers=people["zoe_login"]).status_code == 200
    assert client.get(f"/api/v1/members/{bob.id}", headers=people["zoe_login"]).status_code == 404
    patch = client.patch(f"/api/v1/members/{zoe.id}", json={"status": "FROZEN"}, headers=people["coach"])
    assert patch.status_code == 403
    assert client.delete(f"/api/v1/members/{zoe.id}", headers=people["coach"]).status_code == 403


def test_a_trainer_may_not_change_login_email_or_membership_dates(
    client: TestClient, people: dict, db: Session
) -> None:
    zoe = people["zoe"]
    url = f"/api/v1/members/{zoe.id}"
    before = client.get(url, headers=people["admin"]).json()["data"]
    for body in (
        {"email": "zoe.moved@example.com"},
        {"membershipStart": "2020-01-01"},
        {"membershipEnd": "2099-12-31"},
        {"membershipEnd": "2099-12-31", "phone": "+34 699 000 000"},
    ):
        response = client.patch(url, json=body, headers=people["coach"])
        assert response.status_code == 403, (body, response.text)
        assert response.json()["error"]["code"] == "FORBIDDEN"
        assert "Only an admin" in response.json()["error"]["message"]
    after = client.get(url, headers=people["admin"]).json()["data"]
    assert after == before  # nothing changed, the phone sent alongside included
    # Positive control: the same trainer may change their member's phone; an admin the dates.
    assert client.patch(url, json={"phone": "+34 699 000 000"}, headers=people["coach"]).status_code == 200
    ok = client.patch(url, json={"membershipEnd": "2099-12-31"}, headers=people["admin"])
    assert ok.status_code == 200 and ok.json()["data"]["membershipEnd"] == "2099-12-31"


def test_an_admin_changing_a_members_email_or_stopping_them_ends_their_sessions(
    client: TestClient, people: dict, db: Session
) -> None:
    zoe = people["zoe"]
    user = db.get(User, zoe.user_id)
    own = f"/api/v1/members/{zoe.id}"
    member_login = people["zoe_login"]
    assert client.get(own, headers=member_login).status_code == 200
    # The admin's change of the phone keeps the member signed in; of the email, it signs them out.
    client.patch(own, json={"phone": "+34 611 222 333"}, headers=people["admin"])
    assert client.get(own, headers=member_login).status_code == 200
    assert (
        client.patch(own, json={"email": "zoe.new@example.com"}, headers=people["admin"]).status_code == 200
    )
    assert client.get(own, headers=member_login).status_code == 401

    member_login = bearer(db, user)
    assert client.patch(own, json={"status": "FROZEN"}, headers=people["admin"]).status_code == 200
    assert client.get(own, headers=member_login).status_code == 401

    client.patch(own, json={"status": "ACTIVE"}, headers=people["admin"])
    member_login = bearer(db, user)
    bulk = client.post(
        "/api/v1/members/bulk-action",
        json={"action": "deactivate", "memberIds": [str(zoe.id)]},
        headers=people["admin"],
    )
    assert bulk.status_code == 200 and client.get(own, headers=member_login).status_code == 401


def test_create_with_errors_then_success(client: TestClient, people: dict, db: Session) -> None:
    malformed = client.post(
        "/api/v1/members",
        json={"fullName": "Lena", "email": "nope", "membershipStart": "2026-05-01", "membershipEnd": "May"},
        headers=people["admin"],
    )
    assert malformed.status_code == 422  # what the document states
    assert {d["field"] for d in malformed.json()["error"]["details"]} == {"email", "membershipEnd"}
    bad = client.post(
        "/api/v1/members",
        json={
            "fullName": "Lena",
            "email": "lena@example.com",
            "membershipStart": "2026-05-01",
            "membershipEnd": "2026-04-01",
        },
        headers=people["admin"],
    )
    assert bad.status_code == 400  # a rule of words: the end comes after the start
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"membershipEnd"}
    good = client.post(
        "/api/v1/members",
        json={
            "fullName": "Lena Fischer",
            "email": "lena@example.com",
            "membershipStart": "2026-01-01",
            "membershipEnd": "2027-01-01",
            "assignedTrainerId": str(people["coach_user"].id),
        },
        headers=people["admin"],
    )
    assert good.status_code == 201
    data = good.json()["data"]
    assert data["email"] == "lena@example.com" and data["status"] == "ACTIVE"
    assert set(data["allowedActions"]) >= {"edit", "delete"}


def test_unknown_fields_and_bad_ids_are_refused(client: TestClient, people: dict) -> None:
    assert client.post("/api/v1/members", json={"salary": 1}, headers=people["admin"]).status_code == 422
    # Member ids are uuids by route: another segment names no resource.
    assert client.get("/api/v1/members/not-a-uuid", headers=people["admin"]).status_code == 404


def test_bulk_action_by_ids_and_by_filter(client: TestClient, people: dict, db: Session) -> None:
    url = "/api/v1/members/bulk-action"
    by_id = client.post(
        url, json={"action": "freeze", "memberIds": [str(people["zoe"].id)]}, headers=people["admin"]
    )
    assert by_id.json() == {"data": {"updated": 1}}
    by_filter = client.post(
        url, json={"action": "activate", "filter": {"status": "FROZEN"}}, headers=people["admin"]
    )
    assert by_filter.json() == {"data": {"updated": 2}}
    assert (
        client.post(
            url, json={"action": "freeze", "memberIds": [str(people["zoe"].id)]}, headers=people["coach"]
        ).status_code
        == 403
    )


def test_export_streams_csv_for_what_the_caller_may_see(client: TestClient, people: dict) -> None:
    response = client.get("/api/v1/members/export", headers=people["coach"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["fullName"] for r in rows] == ["Zoë Ångström"]


def test_import_preview_reports_and_import_writes_all(client: TestClient, people: dict, db: Session) -> None:
    data = b"Name,Email,Expiry\nNew One,new.one@example.com,2027-01-01\nBad,bad@,2027-01-01\n"
    url = "/api/v1/members/import"
    preview = client.post(
        f"{url}/preview", files={"file": ("m.csv", data, "text/csv")}, headers=people["admin"]
    )
    assert preview.status_code == 200
    report = preview.json()["data"]
    assert report["ready"] == 1 and report["rowsWithErrors"] == 1 and not report["canImport"]
    assert report["problems"] == [{"line": 3, "field": "email", "message": report["problems"][0]["message"]}]
    before = db.exec(select(func.count()).select_from(Member)).one()
    refused = client.post(url, files={"file": ("m.csv", data, "text/csv")}, headers=people["admin"])
    assert refused.status_code == 400
    assert db.exec(select(func.count()).select_from(Member)).one() == before

    good = b"Name,Email,Expiry\nNew One,new.one@example.com,2027-01-01\n"
    mapping = json.dumps({"Name": "fullName", "Email": "email", "Expiry": "membershipEnd"})
    done = client.post(
        url, files={"file": ("m.csv", good, "text/csv")}, data={"mapping": mapping}, headers=people["admin"]
    )
    assert done.status_code == 201 and done.json()["data"]["imported"] == 1
    assert (
        client.post(
            f"{url}/preview", files={"file": ("m.csv", good, "text/csv")}, headers=people["coach"]
        ).status_code
        == 403
    )


def test_the_openapi_document_describes_counting_and_cursors(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/members"]["get"]["parameters"]}
    assert parameters["count"]["schema"]["enum"] == ["exact", "estimated"]
    assert "nextCursor" in parameters["after"]["description"]
    pagination = document["components"]["schemas"]["MemberPagination"]["properties"]
    assert {"total", "page", "limit", "totalPages", "totalIsExact", "nextCursor"} <= set(pagination)
