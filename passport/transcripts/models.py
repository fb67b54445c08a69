"""Discrepancies: a physician's flag on a reported completion, or on a missing one."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passport.db import Base, CreditHours, UTCDateTime, quarter_hour_check, utcnow

DISCREPANCY_KINDS = {
    "credits_wrong": "Credits are wrong",
    "date_wrong": "Date is wrong",
    "not_mine": "Not my record",
    "missing": "Missing activity",
}

DISCREPANCY_STATUSES = ("open", "answered", "corrected", "declined", "withdrawn")
OPEN_STATUSES = ("open", "answered")  # waiting for the provider, or for the physician


class Discrepancy(Base):
    __tablename__ = "discrepancies"
    __table_args__ = (
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in DISCREPANCY_KINDS) + ")", name="kind_known"
        ),
        sa.CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in DISCREPANCY_STATUSES) + ")",
            name="status_known",
        ),
        sa.CheckConstraint(
            "(kind = 'missing') = (completion_id IS NULL)", name="missing_has_no_completion"
        ),
        sa.CheckConstraint(
            "claimed_credits_hundredths IS NULL OR "
            + quarter_hour_check("claimed_credits_hundredths"),
            name="claimed_credits_quarter_hours",
        ),
        sa.Index("ix_discrepancies_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    licensee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("licensees.id", ondelete="RESTRICT"), index=True
    )
    raised_by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    completion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("completions.id", ondelete="RESTRICT"), index=True
    )
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    claimed_completed_on: Mapped[date | None] = mapped_column(sa.Date)
    claimed_credits: Mapped[Decimal | None] = mapped_column(
        "claimed_credits_hundredths", CreditHours
    )
    resolved_by_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("completion_versions.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    messages = relationship(
        "DiscrepancyMessage", order_by="DiscrepancyMessage.created_at", lazy="selectin"
    )
    completion = relationship("Completion")
    activity = relationship("Activity")
    licensee = relationship("Licensee")

    @property
    def kind_label(self) -> str:
        return DISCREPANCY_KINDS[self.kind]


class DiscrepancyMessage(Base):
    """One step of a discrepancy's thread: kept forever, with who and when."""

    __tablename__ = "discrepancy_messages"
    __table_args__ = (
        sa.CheckConstraint(
            "event IN ('raised', 'reply', 'corrected', 'declined', 'withdrawn', 'reopened')",
            name="event_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    discrepancy_id: Mapped[int] = mapped_column(
        sa.ForeignKey("discrepancies.id", ondelete="CASCADE"), index=True
    )
    author_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    event: Mapped[str] = mapped_column(sa.String(10))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", lazy="joined")


self_reported_topics = sa.Table(
    "self_reported_topics",
    Base.metadata,
    sa.Column(
        "self_reported_credit_id",
        sa.ForeignKey("self_reported_credits.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("topic_code", sa.ForeignKey("topics.code", ondelete="RESTRICT"), primary_key=True),
)

CERTIFICATE_MEDIA_TYPES = ("application/pdf", "image/png", "image/jpeg")


class SelfReportedCredit(Base):
    """Credit a physician claims for an activity no provider reported. Always shown and
    totalled apart from provider-reported credit; a certificate backs it up."""

    __tablename__ = "self_reported_credits"
    __table_args__ = (
        sa.CheckConstraint(quarter_hour_check("credits_hundredths"), name="credits_quarter_hours"),
        sa.CheckConstraint("credits_hundredths > 0", name="credits_positive"),
        sa.CheckConstraint(
            "certificate_media_type IN ("
            + ", ".join(f"'{t}'" for t in CERTIFICATE_MEDIA_TYPES)
            + ")",
            name="certificate_media_type_known",
        ),
        sa.Index("ix_self_reported_credits_user_completed", "user_id", "completed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(300))
    provider_name: Mapped[str] = mapped_column(sa.String(200))
    completed_on: Mapped[date] = mapped_column(sa.Date)
    credits: Mapped[Decimal] = mapped_column("credits_hundredths", CreditHours)
    credit_type_code: Mapped[str] = mapped_column(sa.ForeignKey("credit_types.code"))
    certificate_sha256: Mapped[str] = mapped_column(sa.String(64))
    certificate_media_type: Mapped[str] = mapped_column(sa.String(30))
    certificate_filename: Mapped[str] = mapped_column(sa.String(255))
    certificate_size: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    topics = relationship("Topic", secondary=self_reported_topics, lazy="selectin")
    credit_type = relationship("CreditType", lazy="joined")
    user = relationship("User")
