"""Pages of a list: how many pages `total` rows make, and a page of rows as services return it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

Row = TypeVar("Row")


def page_count(total: int, limit: int) -> int:
    """The pages `total` rows fill at `limit` a page: at least one, even when there is nothing to show."""
    return max(1, -(-total // max(1, limit)))


@dataclass(frozen=True)
class Page(Generic[Row]):
    """Page `page` of a list of `total` rows, `limit` a page."""

    rows: list[Row]
    total: int
    page: int
    limit: int

    @property
    def total_pages(self) -> int:
        return page_count(self.total, self.limit)
