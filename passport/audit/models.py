"""The board's audit: samples drawn from a renewal window and the auditor's cases."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passport.db import Base, UTCDateTime, utcnow

CASE_STATUSES = ("open", "passed", "failed", "waived")


class AuditSample(Base):
    """A random draw of licensees from a renewal window. The seed is kept, so the same
    draw can be made again from the same window and roster."""

    __tablename__ = "audit_samples"
    __table_args__ = (
        sa.CheckConstraint("size_kind IN ('count', 'percent')", name="size_kind_known"),
        sa.CheckConstraint("size_value > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="RESTRICT"), index=True
    )
    created_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    window_starts_on: Mapped[date] = mapped_column(sa.Date)
    window_ends_on: Mapped[date] = mapped_column(sa.Date)
    size_kind: Mapped[str] = mapped_column(sa.String(10))
    size_value: Mapped[int] = mapped_column(sa.Integer)
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    population: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cases = relationship("AuditCase", order_by="AuditCase.id", lazy="selectin")


class AuditCase(Base):
    """One licensee drawn into a sample, with the auditor's verdict and notes."""

    __tablename__ = "audit_cases"
    __table_args__ = (
        sa.UniqueConstraint("sample_id", "licensee_id"),
        sa.CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in CASE_STATUSES) + ")", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_samples.id", ondelete="CASCADE"))
    licensee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("licensees.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    licensee = relationship("Licensee", lazy="joined")
