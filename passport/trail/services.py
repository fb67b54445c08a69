"""Writes to the append-only audit trail and the board access log."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from passport.bulk import insert_rows
from passport.trail.models import AccessLogEntry, AuditEvent


def record_event(
    session: Session,
    *,
    actor_user_id: int | None,
    action: str,
    object_type: str,
    object_id: int | None,
    detail: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one entry to the trail of writes (in the caller's transaction)."""
    entry = AuditEvent(
        actor_user_id=actor_user_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        ip_address=ip_address,
    )
    session.add(entry)
    return entry


def record_events(
    session: Session,
    *,
    actor_user_id: int | None,
    action: str,
    object_type: str,
    objects: list[tuple[int, dict[str, Any] | None]],
    ip_address: str | None = None,
) -> None:
    """Append one entry per (object id, detail) in a single bulk insert: a roster import
    that creates 150,000 licensees writes 150,000 entries without a query per row."""
    insert_rows(
        session,
        AuditEvent.__table__,
        [
            {
                "actor_user_id": actor_user_id,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "detail": detail,
                "ip_address": ip_address,
            }
            for object_id, detail in objects
        ],
    )


def log_board_access(
    session: Session,
    *,
    user_id: int,
    board_id: int,
    licensee_id: int | None,
    action: str,
    detail: str | None = None,
    ip_address: str | None = None,
) -> None:
    """Note that board staff looked at a licensee's record (DESIGN.md: every view logged)."""
    session.add(
        AccessLogEntry(
            user_id=user_id,
            board_id=board_id,
            licensee_id=licensee_id,
            action=action,
            detail=(detail or "")[:500] or None,
            ip_address=ip_address,
        )
    )
