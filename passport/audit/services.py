"""Writes to the append-only audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from passport.audit.models import AuditEvent


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
