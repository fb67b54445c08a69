"""Reads of the access log (for the board) and of the audit trail (for administrators),
filtered by who, what, which object and when.

The trail depends on no feature, so filters that need another feature's tables (an
account's e-mail, a license number) arrive here already resolved to ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from passport.formatting import PACIFIC
from passport.paging import Page, paginate
from passport.trail.models import AccessLogEntry, AuditEvent

EXPORT_LIMIT = 100_000  # rows in one export: a year of a busy board's looks


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text or "").strip()[:10])
    except ValueError:
        return None


def _positive_int(text: Any) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 10 else None


@dataclass(frozen=True)
class LogFilters:
    """What the log pages filter by, read from the URL (and written back to it)."""

    who: str = ""  # part of an e-mail address or name
    action: str = ""  # an action code
    licensee: str = ""  # a license number
    starts_on: date | None = None
    ends_on: date | None = None
    object_type: str = ""
    object_id: int | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> LogFilters:
        starts_on, ends_on = _day(args.get("from")), _day(args.get("to"))
        if starts_on and ends_on and ends_on < starts_on:
            starts_on, ends_on = ends_on, starts_on
        return cls(
            who=(args.get("who") or "").strip()[:100],
            action=(args.get("action") or "").strip()[:60],
            licensee=(args.get("licensee") or "").strip()[:40],
            starts_on=starts_on,
            ends_on=ends_on,
            object_type=(args.get("object_type") or "").strip()[:40],
            object_id=_positive_int(args.get("object_id")),
            page=_positive_int(args.get("page")) or 1,
        )

    def to_args(self, **changes: Any) -> dict[str, str]:
        values = {
            "who": self.who,
            "action": self.action,
            "licensee": self.licensee,
            "from": self.starts_on.isoformat() if self.starts_on else "",
            "to": self.ends_on.isoformat() if self.ends_on else "",
            "object_type": self.object_type,
            "object_id": self.object_id or "",
        } | changes
        return {key: str(value) for key, value in values.items() if value not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(self.to_args())

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The instants the dates cover, from the first day's start to the last's end, in
        Pacific time, as the pages show them."""
        start = datetime.combine(self.starts_on, time(), PACIFIC) if self.starts_on else None
        end = (
            datetime.combine(self.ends_on + timedelta(days=1), time(), PACIFIC)
            if self.ends_on
            else None
        )
        return start, end


@dataclass(frozen=True)
class ResolvedIds:
    """The filters another feature resolved to ids: ``None`` means no filter, an empty
    list means nothing can match."""

    user_ids: list[int] | None = None
    licensee_ids: list[int] | None = None


def _access_log_query(board_id: int, filters: LogFilters, ids: ResolvedIds) -> sa.Select:
    query = (
        sa.select(AccessLogEntry)
        .where(AccessLogEntry.board_id == board_id)
        .options(selectinload(AccessLogEntry.user), selectinload(AccessLogEntry.licensee))
    )
    if filters.action:
        query = query.where(AccessLogEntry.action == filters.action)
    if ids.user_ids is not None:
        query = query.where(AccessLogEntry.user_id.in_(ids.user_ids))
    if ids.licensee_ids is not None:
        query = query.where(AccessLogEntry.licensee_id.in_(ids.licensee_ids))
    start, end = filters.bounds()
    if start:
        query = query.where(AccessLogEntry.accessed_at >= start)
    if end:
        query = query.where(AccessLogEntry.accessed_at < end)
    return query.order_by(AccessLogEntry.accessed_at.desc(), AccessLogEntry.id.desc())


def access_log_page(
    session: Session, board_id: int, filters: LogFilters, ids: ResolvedIds = ResolvedIds()
) -> Page:
    return paginate(session, _access_log_query(board_id, filters, ids), filters.page)


def access_log_entries(
    session: Session, board_id: int, filters: LogFilters, ids: ResolvedIds = ResolvedIds()
) -> Iterator[AccessLogEntry]:
    """Every entry the filters keep, newest first, up to ``EXPORT_LIMIT`` (for export)."""
    query = _access_log_query(board_id, filters, ids).limit(EXPORT_LIMIT)
    yield from session.scalars(query.execution_options(yield_per=1000))


def _audit_trail_query(filters: LogFilters, ids: ResolvedIds) -> sa.Select:
    """``action`` matches a prefix, so ``discrepancy.`` finds every step of every
    discrepancy; a licensee filter keeps the entries about that licensee."""
    query = sa.select(AuditEvent)
    if filters.action:
        query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if ids.user_ids is not None:
        query = query.where(AuditEvent.actor_user_id.in_(ids.user_ids))
    if ids.licensee_ids is not None:
        query = query.where(
            AuditEvent.object_type == "licensee", AuditEvent.object_id.in_(ids.licensee_ids)
        )
    start, end = filters.bounds()
    if start:
        query = query.where(AuditEvent.occurred_at >= start)
    if end:
        query = query.where(AuditEvent.occurred_at < end)
    return query.order_by(AuditEvent.id.desc())


def audit_trail_page(
    session: Session, filters: LogFilters, ids: ResolvedIds = ResolvedIds()
) -> Page:
    """The append-only trail of writes, newest first, for administrators."""
    return paginate(session, _audit_trail_query(filters, ids), filters.page)


def audit_trail_events(
    session: Session, filters: LogFilters, ids: ResolvedIds = ResolvedIds()
) -> Iterator[AuditEvent]:
    query = _audit_trail_query(filters, ids).limit(EXPORT_LIMIT)
    yield from session.scalars(query.execution_options(yield_per=1000))


def audit_object_types(session: Session) -> list[str]:
    return list(
        session.scalars(
            sa.select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
        )
    )
