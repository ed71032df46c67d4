"""Optimistic saves: a change names the version it started from, and the database takes it only if no
one saved since (one conditional UPDATE, so two saves racing cannot both pass); else a 409 that says so."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from thrust.core.db import rows_changed
from thrust.core.errors import Conflict, FieldProblem
from thrust.core.types import utcnow
from thrust.core.validation import FieldReader

MAX_VERSION = 2**31 - 1
VERSION_REQUIRED = "Send the version you opened, so that a change saved since is not overwritten"
# The fields whose change a version counts: a save of any of them must name the version it started from.
# (Activating a plan does not count: it changes no one's work.)
VERSIONED_FIELDS = ("title", "planData", "startsOn")


def stale(kind: str) -> str:
    """The 409's message when someone else saved `kind` ("plan", "template") since it was opened."""
    return (
        f"This {kind} was changed by someone else since you opened it. "
        "Reload it to see their changes, then make yours again."
    )


def read_version(reader: FieldReader) -> int | None:
    """The version the change started from: required with any versioned field, checked whenever sent."""
    version = reader.integer("version", "Version", minimum=1, maximum=MAX_VERSION)
    if version is None and any(field in reader.data for field in VERSIONED_FIELDS):
        reader.fail("version", VERSION_REQUIRED)  # unless the version sent was refused already
    return version


def check_version(kind: str, current: int, sent: int | None) -> None:
    """Refuse at once when the version sent is not the one stored (before any other work)."""
    if sent is not None and sent != current:
        raise Conflict(stale(kind), details=[FieldProblem("version", stale(kind))])


def save_versioned(
    session: Session, model: Any, row_id: uuid.UUID, version: int, values: dict[str, Any], *, kind: str
) -> None:
    """UPDATE the row to `values` and the next version, if it is still at `version`; Conflict otherwise.
    The session's copy of the row is brought up to date."""
    result = session.execute(
        sa.update(model)
        .where(model.id == row_id, model.version == version)
        .values(**values, version=version + 1, updated_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if rows_changed(result) == 0:
        raise Conflict(stale(kind), details=[FieldProblem("version", stale(kind))])
