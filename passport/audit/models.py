"""The board access log (every look at a licensee's record) and the append-only trail of
writes that matter (who changed what, from where)."""

from __future__ import annotations

from datetime import date, datetime
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


class AuditStanding(Base):
    """A licensee's overall standing against its board's requirement set, as the engine
    last evaluated it. Kept so the audit worklist can filter, count, sort and page in SQL
    instead of evaluating a whole window per page view; ``audit.standings`` keeps it true
    (database triggers note every change that can alter a standing)."""

    __tablename__ = "audit_standings"

    licensee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("licensees.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(sa.String(20))
    hours_required_hundredths: Mapped[int] = mapped_column(sa.Integer)
    hours_earned_hundredths: Mapped[int] = mapped_column(sa.Integer)
    short_rule_ids: Mapped[str] = mapped_column(sa.String(500), default="")
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaleStanding(Base):
    """A note, written by a database trigger, that something a licensee's standing depends
    on changed (a completion, the licence's facts, an activity's topics, a linked
    physician's self-reported credit). ``audit.standings.refresh_standings`` consumes them.
    Never deduplicated on PostgreSQL: a note must not be skipped because a refresh that
    has not committed yet is deleting an older one."""

    __tablename__ = "audit_stale_licensees"
    __table_args__ = (sa.Index("ix_audit_stale_licensees_board", "board_id", "licensee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    licensee_id: Mapped[int] = mapped_column(sa.Integer, index=True)
    board_id: Mapped[int] = mapped_column(sa.Integer)


class StandingsVersion(Base):
    """Which requirement set a board's standings were evaluated with: when the board's
    set changes (a new release), every standing of the board is evaluated again."""

    __tablename__ = "audit_standings_versions"

    board_id: Mapped[int] = mapped_column(
        sa.ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True
    )
    requirements_version: Mapped[str] = mapped_column(sa.String(64))
