"""CSV export of the directory: streamed row by row, scoped to the viewer, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from thrust.auth.rbac import Actor, require
from thrust.gym import clock
from thrust.members.capabilities import VIEW_MEMBERS
from thrust.members.csv_import import FIELDS
from thrust.members.search import MemberFilters, Trainer, matching, visible_to
from thrust.models import Member, User

# Named as the importer names them (plus the id and the last visit), so an export imports again.
COLUMNS = ("id", *FIELDS, "lastVisitAt")
BATCH = 1_000
# Spreadsheets run cells that start with these as formulas (CSV injection, OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell's text, with a leading quote if a spreadsheet would otherwise treat it as a formula."""
    if value is None:
        return ""
    if isinstance(value, date):  # datetimes too
        text = value.isoformat()
    else:
        text = str(value.value if hasattr(value, "value") else value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def export_members(session: Session, actor: Actor, filters: MemberFilters) -> Iterator[str]:
    """Yield the CSV in chunks of text; memory stays flat however many members match."""
    require(actor, *VIEW_MEMBERS)
    where = [visible_to(actor), *matching(filters, clock.today(session))]
    # Plain columns, not ORM objects: nothing accumulates in the session's identity map.
    statement = (
        sa.select(
            col(Member.id),
            col(Member.full_name),
            col(User.email),
            col(Member.phone),
            col(Member.date_of_birth),
            col(Member.gender),
            col(Member.membership_tier),
            col(Member.status),
            col(Member.membership_start),
            col(Member.membership_end),
            col(Trainer.email),
            col(Member.last_visit_at),
        )
        .join(User, col(User.id) == Member.user_id)
        .outerjoin(Trainer, col(Trainer.id) == Member.assigned_trainer_id)
        .where(*where)
        .order_by(col(Member.full_name), col(Member.id))
        .execution_options(yield_per=BATCH)  # server-side cursor on PostgreSQL
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for count, row in enumerate(session.execute(statement), start=1):
        writer.writerow([safe_cell(value) for value in row])
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
