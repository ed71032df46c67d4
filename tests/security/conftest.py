"""Security suite fixtures: the session's running server, its database (read-only) and a cast of users.

The cast: the demo ADMIN; the TRAINER with the most assigned members; MEMBER A (assigned to that
trainer); member B (also assigned to that trainer: what A must never see, and what the trainer may);
member U (assigned to another trainer: what the trainer must never see or change).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from tests.security.support import MATRIX, Account, Database, sign_in_account
from tests.server import AppServer

ADMIN_LOGIN = ("admin@thrust.com", "Admin123!")
TRAINER_PASSWORD = "Trainer123!"
MEMBER_PASSWORD = "Member123!"


@dataclass(frozen=True)
class Person:
    """A member we do not sign in as: their ids and the data of theirs that must not leak."""

    member_id: str
    user_id: str
    email: str
    full_name: str
    phone: str | None


@dataclass(frozen=True)
class Cast:
    admin: Account
    trainer: Account
    member: Account  # member A
    victim: Person  # member B, assigned to `trainer`
    stranger: Person  # member U, assigned to another trainer

    def account(self, role: object) -> Account | None:
        return {None: None, "ADMIN": self.admin, "TRAINER": self.trainer, "MEMBER": self.member}[
            getattr(role, "value", role)
        ]


@pytest.fixture(scope="session")
def server_db(app_server: AppServer) -> Database:
    return Database(app_server.db_url)


def _uuid(hex_id: str) -> str:
    return str(uuid.UUID(hex_id))


def _person(row: tuple) -> Person:
    member_id, user_id, email, full_name, phone = row
    return Person(_uuid(member_id), _uuid(user_id), email, full_name, phone)


@pytest.fixture(scope="session")
def cast(app_server: AppServer, server_db: Database) -> Cast:
    members_of = """
        SELECT m.id, u.id, u.email, m.full_name, m.phone FROM members m JOIN users u ON u.id = m.user_id
        WHERE u.is_active = 1 AND u.role = 'MEMBER' AND m.assigned_trainer_id {} ORDER BY u.email
    """
    trainers = server_db.query(
        """SELECT t.id, t.email, count(m.id) AS n FROM users t JOIN members m ON m.assigned_trainer_id = t.id
           WHERE t.role = 'TRAINER' AND t.is_active = 1 AND t.email LIKE '%@thrust.com'
           GROUP BY t.id ORDER BY n DESC, t.email"""
    )
    assert trainers, "the demo data has no trainer with assigned members"
    trainer_id, trainer_email, _ = trainers[0]
    own = server_db.query(members_of.format("= ?"), trainer_id)
    others = server_db.query(members_of.format("IS NOT NULL AND m.assigned_trainer_id != ?"), trainer_id)
    assert len(own) >= 2 and others, "the demo data needs two members of one trainer and one of another"
    member = sign_in_account(app_server.url, server_db, own[0][2], MEMBER_PASSWORD)
    return Cast(
        admin=sign_in_account(app_server.url, server_db, *ADMIN_LOGIN),
        trainer=sign_in_account(app_server.url, server_db, trainer_email, TRAINER_PASSWORD),
        member=member,
        victim=_person(own[1]),
        stranger=_person(others[0]),
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show the size of the authorization matrix whatever the capture settings (-s or not)."""
    if not MATRIX:
        return
    total = sum(MATRIX.values())
    parts = ", ".join(f"{kind}: {n}" for kind, n in sorted(MATRIX.items()))
    terminalreporter.write_sep("-", "security")
    terminalreporter.write_line(
        f"authorization matrix: {total} (handler or route, role) pairs checked ({parts})"
    )
