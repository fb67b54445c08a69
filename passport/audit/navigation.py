"""Previous and next through the worklist from a licensee's page.

The worklist's filters and sort travel in the licensee page's URL (``AuditFilters``), and
the licensee's neighbours are found in one query with window functions over the same
ordered window the worklist pages through, so moving on costs the same on any page.
Keep ``_ordered`` filtering as ``worklist.worklist`` does (a test compares the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.audit import worklist
from passport.audit.worklist import AuditFilters


@dataclass(frozen=True)
class WorklistPlace:
    """Where a licensee stands in a filtered, sorted worklist."""

    filters: AuditFilters
    position: int  # from 1
    total: int
    previous_id: int | None
    next_id: int | None

    @property
    def page(self) -> int:
        return (self.position - 1) // worklist.PAGE_SIZE + 1

    def worklist_args(self) -> dict[str, str]:
        """The worklist's URL arguments, on the page that shows this licensee."""
        return self.filters.to_args(page=self.page if self.page > 1 else "")

    def licensee_args(self) -> dict[str, str]:
        """The arguments a neighbour's link carries, so the walk can go on."""
        return self.filters.to_args()


def _ordered(session: Session, board_id: int, filters: AuditFilters) -> sa.Subquery:
    window = worklist._window(session, board_id, filters)
    order = worklist._order_by(window, filters.sort)
    query = sa.select(
        window.c.id,
        sa.func.lag(window.c.id).over(order_by=order).label("previous_id"),
        sa.func.lead(window.c.id).over(order_by=order).label("next_id"),
        sa.func.row_number().over(order_by=order).label("position"),
        sa.func.count().over().label("total"),
    )
    return worklist._filtered(query, window, filters).subquery("ordered")


def worklist_place(
    session: Session, board_id: int, filters: AuditFilters, licensee_id: int
) -> WorklistPlace | None:
    """The licensee's place in the worklist ``filters`` describe, or ``None`` when the
    licensee is not in it (the filters changed, or it was opened from elsewhere)."""
    ordered = _ordered(session, board_id, filters)
    row = session.execute(sa.select(ordered).where(ordered.c.id == licensee_id)).one_or_none()
    if row is None:
        return None
    return WorklistPlace(filters, row.position, row.total, row.previous_id, row.next_id)


def came_from_worklist(args: Any) -> bool:
    """A licensee page opened from the worklist carries the worklist's window."""
    return "from" in args and "to" in args
