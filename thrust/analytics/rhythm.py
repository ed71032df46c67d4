"""Members' visit rhythms: per member the visits of their usual weeks and of the recent days, as the
members-at-risk rule reads them, in SQL.

Counting ten weeks of visits per member reads a quarter of a million visits in a big gym. So a nightly
job counts them once (`count`, into `visit_rhythms`, as of the moment it runs) and `at` corrects that
count to any later moment with the few visits that moved since: those that left the usual weeks, those
that passed from the recent days into the usual weeks, and the new ones. The windows slide by at most a
week (`MAX_AGE`) before the count is no longer used; `from_visits` counts from the visits themselves.

The count stays right as visits change: check-ins are only ever added now (after the count), a late
check-out or an edited length changes no check-in time, and a deleted member's rows go with them (the
foreign key); whatever writes visits into the past (the demo seed) counts again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from thrust.core.types import utcnow
from thrust.models import CheckIn, VisitRhythm

RECENT = timedelta(days=14)
USUAL = timedelta(weeks=8)  # the weeks before the recent days
# A count older than this is not corrected but left aside (the job stopped): the windows must not have
# slid past a whole recent window for the correction to hold, and a week of corrections stays cheap.
MAX_AGE = timedelta(days=7)

_VISITS = CheckIn.__table__.c  # type: ignore[attr-defined]  # SQLModel declares __table__ at run time
_RHYTHMS = VisitRhythm.__table__  # type: ignore[attr-defined]


def _counted(now: datetime) -> sa.Select[tuple[object, int, int, datetime]]:
    """Per member with visits in the ten weeks before `now`: usual, recent, latest check-in."""
    t = _VISITS
    recent_from = now - RECENT
    return (
        sa.select(
            t.member_id.label("member_id"),
            sa.func.sum(sa.case((t.check_in_time < recent_from, 1), else_=0)).label("usual"),
            sa.func.sum(sa.case((t.check_in_time >= recent_from, 1), else_=0)).label("recent"),
            sa.func.max(t.check_in_time).label("last_visit"),
        )
        .where(t.check_in_time >= recent_from - USUAL, t.check_in_time < now)
        .group_by(t.member_id)
    )


def count(session: Session, *, now: datetime | None = None) -> int:
    """Count every member's rhythm as of `now` (the nightly job), replacing the last count; the number of
    members with visits in the ten weeks."""
    now = now or utcnow()
    session.execute(_RHYTHMS.delete())
    counted = _counted(now).subquery()
    session.execute(
        _RHYTHMS.insert().from_select(
            ["member_id", "as_of", "usual", "recent", "last_visit"],
            sa.select(
                counted.c.member_id,
                sa.literal(now, VisitRhythm.__table__.c.as_of.type),  # type: ignore[attr-defined]
                counted.c.usual,
                counted.c.recent,
                counted.c.last_visit,
            ),
        )
    )
    if session.get_bind().dialect.name == "postgresql":
        # Fresh statistics for the list's plan: a table just refilled looks empty to the planner until
        # autovacuum comes by, and a join planned for 50 rows gets 10,000.
        session.execute(sa.text(f"ANALYZE {_RHYTHMS.name}"))
    return int(session.execute(sa.select(sa.func.count()).select_from(_RHYTHMS)).scalar_one())


def reset(session: Session) -> None:
    """Forget the count: the list counts from the visits until the job counts again."""
    session.execute(_RHYTHMS.delete())


def from_visits(now: datetime) -> sa.Subquery:
    """(member_id, usual, recent, last_visit) at `now`, counted from the visits themselves."""
    return _counted(now).subquery("rhythm")


def at(session: Session, now: datetime) -> sa.Subquery | None:
    """(member_id, usual, recent, last_visit) at `now`, from the nightly count corrected by the visits
    since; None when there is no count to correct (none yet, later than `now`, or too old).

    Members without a counted row had no visit in the ten weeks before the count, so none in the usual
    weeks now either (the windows slid by less than the recent days): they are never at risk, and left
    out. The latest visit is the count's or a newer one; it is only read for members with usual visits,
    which keep a visit inside the ten weeks."""
    as_of = session.execute(sa.select(sa.func.max(_RHYTHMS.c.as_of))).scalar()
    if as_of is None or not as_of <= now <= as_of + MAX_AGE:
        return None
    t, r = _VISITS, _RHYTHMS.c
    # The three stretches the windows slid over, each as long as now - as_of: one index range each
    # (joined by OR, SQLite without statistics would rather read every visit).
    stretches = [
        ("left", as_of - RECENT - USUAL, now - RECENT - USUAL),
        ("moved", as_of - RECENT, now - RECENT),
        ("new", as_of, now),
    ]
    crossed = sa.union_all(
        *(
            sa.select(
                t.member_id.label("member_id"),
                *(sa.literal(int(name == other)).label(other) for other, _, _ in stretches),
                (t.check_in_time if name == "new" else sa.cast(sa.null(), t.check_in_time.type)).label(
                    "latest"
                ),
            ).where(t.check_in_time >= start, t.check_in_time < end)
            for name, start, end in stretches
        )
    ).subquery("crossed")
    c = crossed.c
    since = (
        sa.select(
            c.member_id,
            sa.func.sum(c.left).label("left"),
            sa.func.sum(c.moved).label("moved"),
            sa.func.sum(c.new).label("new"),
            sa.func.max(c.latest).label("latest"),
        )
        .group_by(c.member_id)
        .subquery("since")
    )
    gone, passed, arrived = (
        sa.func.coalesce(column, 0) for column in (since.c.left, since.c.moved, since.c.new)
    )
    return (
        sa.select(
            r.member_id.label("member_id"),
            (r.usual - gone + passed).label("usual"),
            (r.recent - passed + arrived).label("recent"),
            sa.case((since.c.latest > r.last_visit, since.c.latest), else_=r.last_visit).label("last_visit"),
        )
        .select_from(_RHYTHMS.outerjoin(since, since.c.member_id == r.member_id))
        .where(r.as_of == as_of)
        .subquery("rhythm")
    )
