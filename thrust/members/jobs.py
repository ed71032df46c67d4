"""The members domain's scheduled jobs: keeping the search index's list of pending entries short."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Engine

from thrust.core.db import get_engine
from thrust.core.jobs import Job

SEARCH_INDEX = "members_search_trgm_idx"
MINUTE = 60


def tidy_search_index(engine: Engine | None = None) -> int:
    """Merge the search index's pending entries into the index (PostgreSQL); returns the pages merged.

    Every check-in updates the member's last visit, which adds all of that row's trigrams to the GIN
    index's pending list, and every search reads the whole list until it is merged (when it outgrows
    its limit, or at the next vacuum, which on a busy day can be hours away). Merging each minute keeps
    a day's check-ins from slowing the members search.
    """
    engine = engine or get_engine()
    if engine.dialect.name != "postgresql":
        return 0
    with engine.connect() as connection:
        merged = connection.execute(
            sa.text("SELECT gin_clean_pending_list(CAST(:index AS regclass))"), {"index": SEARCH_INDEX}
        ).scalar_one()
        connection.commit()
    return int(merged)


JOBS = [
    Job(
        "tidy-search-index",
        MINUTE,
        tidy_search_index,
        title="Search index tidy-up",
        description="Keeps the members search fast after a day of check-ins (PostgreSQL).",
    )
]
