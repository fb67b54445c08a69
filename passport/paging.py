"""Pages of a query's rows: the one way every list in Passport is cut into pages."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def page_bounds(
    session: Session, query: sa.Select, page: int, size: int = PAGE_SIZE
) -> tuple[int, int]:
    """The page to show (clamped to those that exist) and the total number of rows."""
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    return max(1, min(page, max(1, -(-(total or 0) // size)))), total or 0


def paginate(session: Session, query: sa.Select, page: int, size: int = PAGE_SIZE) -> Page:
    page, total = page_bounds(session, query, page, size)
    items = list(session.scalars(query.limit(size).offset((page - 1) * size)))
    return Page(items, page, total, size)
