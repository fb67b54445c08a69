"""Writes to the append-only audit trail and the board access log."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from passport.audit.models import AccessLogEntry, AuditEvent


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
