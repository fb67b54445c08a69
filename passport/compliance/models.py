"""Kept standings: each licensee's overall result against its board's requirement set,
and the notes that say which standings must be evaluated again."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passport.db import Base, UTCDateTime, utcnow


class AuditStanding(Base):
    """A licensee's overall standing against its board's requirement set, as the engine
    last evaluated it. Kept so the audit worklist can filter, count, sort and page in SQL
    instead of evaluating a whole window per page view; ``compliance.standings`` keeps it true
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
    physician's self-reported credit). ``compliance.standings.refresh_standings`` consumes them.
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


ON_FILE_SOURCES = ("roster", "board", "physician")
ON_FILE_STATES = ("accepted", "pending", "rejected")


class RequirementOnFile(Base):
    """A requirement the board holds as satisfied for a licensee outside Passport's
    reported credit: from its roster (with the date it was met), recorded by board staff
    with a reason, or attested by the physician with a certificate and then accepted or
    rejected by the board. The engine counts only accepted ones
    (``LicenseeFacts.satisfied_on_file``); rejected and pending ones stay as history."""

    __tablename__ = "requirements_on_file"
    __table_args__ = (
        sa.CheckConstraint(
            "source IN (" + ", ".join(f"'{s}'" for s in ON_FILE_SOURCES) + ")",
            name="source_known",
        ),
        sa.CheckConstraint(
            "state IN (" + ", ".join(f"'{s}'" for s in ON_FILE_STATES) + ")", name="state_known"
        ),
        sa.Index("ix_requirements_on_file_licensee", "licensee_id", "rule_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    licensee_id: Mapped[int] = mapped_column(sa.ForeignKey("licensees.id", ondelete="CASCADE"))
    rule_id: Mapped[str] = mapped_column(sa.String(40))
    source: Mapped[str] = mapped_column(sa.String(10))
    state: Mapped[str] = mapped_column(sa.String(10))
    satisfied_on: Mapped[date | None] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    certificate_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    certificate_media_type: Mapped[str | None] = mapped_column(sa.String(30))
    certificate_filename: Mapped[str | None] = mapped_column(sa.String(255))
    created_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")

    licensee = relationship("Licensee")
