"""Reads of the access log (for the board) and of the audit trail (for administrators)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.paging import Page, paginate
from passport.trail.models import AccessLogEntry, AuditEvent


def access_log_page(session: Session, board_id: int, page: int) -> Page:
    query = (
        sa.select(AccessLogEntry)
        .where(AccessLogEntry.board_id == board_id)
        .order_by(AccessLogEntry.accessed_at.desc(), AccessLogEntry.id.desc())
    )
    return paginate(session, query, page)


def audit_trail_page(
    session: Session,
    page: int,
    *,
    action: str = "",
    object_type: str = "",
    object_id: int | None = None,
) -> Page:
    """The append-only trail of writes, newest first, for administrators. ``action``
    matches a prefix, so ``discrepancy.`` finds every step of every discrepancy."""
    query = sa.select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    return paginate(session, query.order_by(AuditEvent.id.desc()), page)


def audit_object_types(session: Session) -> list[str]:
    return list(
        session.scalars(
            sa.select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
        )
    )
