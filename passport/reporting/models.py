"""Providers, their activities, reported completions (with every version) and uploads.

A completion is keyed by activity and learner (``learner_key``: board state and licence
number, or NPI), so the same record sent twice can only ever update one row. Each change
appends a ``CompletionVersion``; deletions are versions too, never a removed row.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passport.db import DOB_CHECK, Base, CreditHours, UTCDateTime, quarter_hour_check, utcnow


class ConsentBasis(StrEnum):
    """How long the learner's permission to report lasts, as the provider attests it."""

    ACTIVITY = "activity"
    YEAR = "year"
    UNTIL_WITHDRAWN = "until_withdrawn"


class MatchStatus(StrEnum):
    MATCHED = "matched"
    NO_SUCH_LICENSE = "no_such_license"
    IDENTITY_MISMATCH = "identity_mismatch"
    PENDING = "pending"


class UploadMethod(StrEnum):
    FORM = "form"
    XLSX = "xlsx"
    CSV = "csv"
    XML = "xml"
    API = "api"
    SEED = "seed"


ACTIVITY_TYPES = {
    "live": "Live course",
    "rss": "Regularly scheduled series",
    "enduring": "Enduring material",
    "journal": "Journal-based CME",
    "manuscript": "Manuscript review",
    "performance": "Performance improvement",
    "internet_live": "Internet live course",
    "internet_enduring": "Internet enduring material",
    "learning_from_teaching": "Learning from teaching",
}


class Provider(Base):
    """An accredited CME provider. Never deleted: a deactivated provider (``active``
    false) cannot report or sign its staff in, and everything it reported stays."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    accme_id: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditType(Base):
    """Reference data (AMA PRA Category 1, AAFP Prescribed, AOA 1-A, ...)."""

    __tablename__ = "credit_types"

    code: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))


class Topic(Base):
    """Reference data: topics requirement sets care about (pain management, geriatrics...)."""

    __tablename__ = "topics"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))


activity_credit_types = sa.Table(
    "activity_credit_types",
    Base.metadata,
    sa.Column("activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("credit_type_code", sa.ForeignKey("credit_types.code"), primary_key=True),
)

activity_topics = sa.Table(
    "activity_topics",
    Base.metadata,
    sa.Column("activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_code", sa.ForeignKey("topics.code"), primary_key=True),
)


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (
        sa.UniqueConstraint("provider_id", "activity_code"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        sa.CheckConstraint(
            quarter_hour_check("max_credits_hundredths") + " AND max_credits_hundredths > 0",
            name="max_credits_quarter_hours",
        ),
        sa.CheckConstraint(
            "activity_type IN (" + ", ".join(f"'{code}'" for code in ACTIVITY_TYPES) + ")",
            name="activity_type_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("providers.id", ondelete="RESTRICT"), index=True
    )
    activity_code: Mapped[str] = mapped_column(sa.String(50))
    title: Mapped[str] = mapped_column(sa.String(300))
    activity_type: Mapped[str] = mapped_column(sa.String(30))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    max_credits: Mapped[Decimal] = mapped_column("max_credits_hundredths", CreditHours)
    # What the provider declares the content covers, for boards whose rules are about a
    # course's content (codes of the requirement sets' ``content_declarations``).
    content_declarations: Mapped[list[str] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    provider = relationship(Provider, lazy="joined")
    credit_types = relationship(CreditType, secondary=activity_credit_types, lazy="selectin")
    topics = relationship(Topic, secondary=activity_topics, lazy="selectin")

    @property
    def activity_type_label(self) -> str:
        return ACTIVITY_TYPES.get(self.activity_type, self.activity_type)


class Upload(Base):
    """One submission by a provider: the method, the kept file and every row's outcome."""

    __tablename__ = "uploads"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="status_known"
        ),
        sa.CheckConstraint(
            "method IN (" + ", ".join(f"'{m.value}'" for m in UploadMethod) + ")",
            name="method_known",
        ),
        sa.Index("ix_uploads_provider_created", "provider_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("providers.id", ondelete="RESTRICT"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    api_client_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("api_clients.id", ondelete="SET NULL")
    )
    """The web-service client that sent it (method ``api``)."""
    method: Mapped[str] = mapped_column(sa.String(10))
    original_filename: Mapped[str | None] = mapped_column(sa.String(255))
    sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    stored_path: Mapped[str | None] = mapped_column(sa.String(500))
    consent_basis: Mapped[str | None] = mapped_column(sa.String(20))
    permission_attested: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    total_rows: Mapped[int] = mapped_column(sa.Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    updated_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    deleted_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    error_message: Mapped[str | None] = mapped_column(sa.Text)
    file_format: Mapped[str | None] = mapped_column(sa.String(20))
    """What the file is, beyond its method: ``medbiq`` or ``passport_xml`` for an XML file
    (``records.field_titles`` names the fields in its messages as the file does)."""
    problem_summary: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    """The rejected rows' problems by field and reason: count, first rows and values sent,
    most frequent first (``pipeline.ProblemTally``), kept when the upload finishes."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    provider = relationship(Provider)
    user = relationship("User")
    api_client = relationship("ApiClient")


class UploadRow(Base):
    """The outcome of a row of an upload that wrote no version: rejected (with the values
    as sent and the errors) or unchanged. A row that created, updated or deleted a record
    is told by the version it wrote (``CompletionVersion.row_number``), so an upload of new
    records writes each row once, not twice; ``reporting.outcomes`` reads both as one list."""

    __tablename__ = "upload_rows"
    __table_args__ = (
        sa.UniqueConstraint("upload_id", "row_number"),
        sa.CheckConstraint(
            "outcome IN ('created', 'updated', 'unchanged', 'deleted', 'rejected')",
            name="outcome_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    upload_id: Mapped[int] = mapped_column(sa.ForeignKey("uploads.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(sa.Integer)
    outcome: Mapped[str] = mapped_column(sa.String(10))
    completion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("completions.id", ondelete="SET NULL"), index=True
    )
    submitted: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    errors: Mapped[list[dict[str, str]] | None] = mapped_column(sa.JSON)


class Completion(Base):
    """The current state of one learner's completion of one activity."""

    __tablename__ = "completions"
    __table_args__ = (
        sa.UniqueConstraint("activity_id", "learner_key"),
        sa.CheckConstraint(DOB_CHECK, name="dob_is_calendar_day"),
        sa.CheckConstraint(quarter_hour_check("credits_hundredths"), name="credits_quarter_hours"),
        sa.CheckConstraint(
            "license_number IS NOT NULL OR npi IS NOT NULL", name="learner_identified"
        ),
        sa.CheckConstraint(
            "match_status IN ('matched', 'no_such_license', 'identity_mismatch', 'pending')",
            name="match_status_known",
        ),
        sa.CheckConstraint(
            "(match_status = 'matched') = (licensee_id IS NOT NULL)", name="matched_has_licensee"
        ),
        sa.CheckConstraint(
            "consent_basis IN ('activity', 'year', 'until_withdrawn')", name="consent_known"
        ),
        # Also finds the unmatched records (licensee_id IS NULL, by the check above) for
        # the provider's queue and for matching again after a roster import; no index of
        # its own on match_status or the licence, which every upload would have to write.
        sa.Index("ix_completions_licensee_completed", "licensee_id", "completed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id", ondelete="RESTRICT"))
    learner_key: Mapped[str] = mapped_column(sa.String(40))
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    dob_month: Mapped[int] = mapped_column(sa.SmallInteger)
    dob_day: Mapped[int] = mapped_column(sa.SmallInteger)
    license_state: Mapped[str | None] = mapped_column(sa.String(2))
    license_number: Mapped[str | None] = mapped_column(sa.String(20))
    board_id: Mapped[int | None] = mapped_column(sa.ForeignKey("boards.id", ondelete="RESTRICT"))
    """The board whose licence format the number matches (None when only an NPI is given)."""
    npi: Mapped[str | None] = mapped_column(sa.String(10))
    completed_on: Mapped[date] = mapped_column(sa.Date)
    credits: Mapped[Decimal] = mapped_column("credits_hundredths", CreditHours)
    credit_type_code: Mapped[str] = mapped_column(sa.ForeignKey("credit_types.code"))
    consent_basis: Mapped[str] = mapped_column(sa.String(20))
    licensee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("licensees.id", ondelete="SET NULL")
    )
    match_status: Mapped[str] = mapped_column(sa.String(20), default=MatchStatus.PENDING)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    last_upload_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uploads.id", ondelete="SET NULL"), index=True
    )

    activity = relationship(Activity, lazy="joined")
    credit_type = relationship(CreditType, lazy="joined")
    licensee = relationship("Licensee")


class CompletionVersion(Base):
    """One state a completion has had: who changed it, when, and through which upload and
    row of it."""

    __tablename__ = "completion_versions"
    __table_args__ = (
        sa.UniqueConstraint("completion_id", "version"),
        # One version per row of an upload; reads an upload's outcomes in row order.
        sa.Index("ix_completion_versions_upload_row", "upload_id", "row_number", unique=True),
        sa.CheckConstraint("action IN ('add', 'update', 'delete', 'restore')", name="action_known"),
        sa.CheckConstraint(DOB_CHECK, name="dob_is_calendar_day"),
        sa.CheckConstraint(quarter_hour_check("credits_hundredths"), name="credits_quarter_hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    completion_id: Mapped[int] = mapped_column(sa.ForeignKey("completions.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(10))
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    dob_month: Mapped[int] = mapped_column(sa.SmallInteger)
    dob_day: Mapped[int] = mapped_column(sa.SmallInteger)
    completed_on: Mapped[date] = mapped_column(sa.Date)
    credits: Mapped[Decimal] = mapped_column("credits_hundredths", CreditHours)
    credit_type_code: Mapped[str] = mapped_column(sa.ForeignKey("credit_types.code"))
    upload_id: Mapped[int | None] = mapped_column(sa.ForeignKey("uploads.id", ondelete="SET NULL"))
    row_number: Mapped[int | None] = mapped_column(sa.Integer)
    """The upload's row that wrote this version (none for a version made on a page, or
    written before migration 0011, whose outcomes are all in ``upload_rows``)."""
    actor_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdentityAttempt(Base):
    """One identity (last name and date of birth, as a digest) a provider sent for a
    licensee that did not match, or that was held back unanswered because too many
    different identities had been tried for that licensee (``reporting.identity_guard``).
    Matching identities leave no row: the answer to them is the truth the provider holds."""

    __tablename__ = "identity_attempts"
    __table_args__ = (
        sa.UniqueConstraint("provider_id", "licensee_id", "identity_key"),
        sa.CheckConstraint("state IN ('differs', 'held')", name="state_known"),
        sa.Index("ix_identity_attempts_licensee", "licensee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("providers.id", ondelete="CASCADE"))
    licensee_id: Mapped[int] = mapped_column(sa.ForeignKey("licensees.id", ondelete="CASCADE"))
    identity_key: Mapped[str] = mapped_column(sa.String(32))
    state: Mapped[str] = mapped_column(sa.String(10))
    first_tried_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_tried_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    blocked_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")

    provider = relationship("Provider")
    licensee = relationship("Licensee")
