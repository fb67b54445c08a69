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
    updated_by = relationship("User", lazy="joined")


# Documentation requests ---------------------------------------------------------------
# An auditor asks the licensee of a case for certificates behind named requirements; the
# linked physician uploads documents for each, and the board accepts or rejects each one.

DOCUMENT_DECISIONS = ("pending", "accepted", "rejected")
DOCUMENT_MEDIA_TYPES = ("application/pdf", "image/png", "image/jpeg")


class DocumentationRequest(Base):
    """The board's request to a case's licensee for documentation. ``licensee_id`` is kept
    beside the case so a physician's access is checked against their own links alone."""

    __tablename__ = "documentation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("audit_cases.id", ondelete="CASCADE"), index=True
    )
    licensee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("licensees.id", ondelete="RESTRICT"), index=True
    )
    requested_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    message: Mapped[str] = mapped_column(sa.Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items = relationship(
        "DocumentationItem",
        order_by="DocumentationItem.id",
        lazy="selectin",
        back_populates="request",
    )
    case = relationship("AuditCase", lazy="joined")
    licensee = relationship("Licensee", lazy="joined")


class DocumentationItem(Base):
    """One requirement named in a request. The rule's label is kept as it read when the
    request was made, so a later release of the requirement set cannot reword it."""

    __tablename__ = "documentation_items"
    __table_args__ = (sa.UniqueConstraint("request_id", "rule_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("documentation_requests.id", ondelete="CASCADE")
    )
    rule_id: Mapped[str] = mapped_column(sa.String(60))
    rule_label: Mapped[str] = mapped_column(sa.String(300))

    request = relationship("DocumentationRequest", back_populates="items")
    documents = relationship(
        "DocumentationDocument", order_by="DocumentationDocument.id", lazy="selectin"
    )


class DocumentationDocument(Base):
    """A certificate a physician uploaded for one requested requirement, and the board's
    decision on it (with a reason when rejected)."""

    __tablename__ = "documentation_documents"
    __table_args__ = (
        sa.CheckConstraint(
            "media_type IN (" + ", ".join(f"'{t}'" for t in DOCUMENT_MEDIA_TYPES) + ")",
            name="media_type_known",
        ),
        sa.CheckConstraint(
            "decision IN (" + ", ".join(f"'{d}'" for d in DOCUMENT_DECISIONS) + ")",
            name="decision_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("documentation_items.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    sha256: Mapped[str] = mapped_column(sa.String(64))
    media_type: Mapped[str] = mapped_column(sa.String(30))
    filename: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[str] = mapped_column(sa.String(10), default="pending")
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    item = relationship("DocumentationItem", lazy="joined", overlaps="documents")
