"""The board access log (every look at a licensee's record) and the append-only trail of
writes that matter (who changed what, from where). Every feature writes them; they
depend on no feature."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passport.db import Base, UTCDateTime, utcnow


class AccessLogEntry(Base):
    __tablename__ = "access_log"
    __table_args__ = (sa.Index("ix_access_log_board_at", "board_id", "accessed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("boards.id", ondelete="RESTRICT"))
    licensee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("licensees.id", ondelete="RESTRICT"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(40))
    detail: Mapped[str | None] = mapped_column(sa.String(500))
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    accessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")
    licensee = relationship("Licensee")


class AuditEvent(Base):
    """An entry in the append-only trail of writes. Never updated, never deleted."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None] = mapped_column(sa.Integer)
    detail: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User", lazy="joined")
