"""A notification is written before it is sent: one row per event and recipient, under a
unique key, so no event or reminder is ever mailed twice, and every delivery attempt, its
failure and its retry can be read back (the admin's delivery log, the user's list)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from passport.db import Base, UTCDateTime, utcnow

# What a person may choose to receive, in their words. Security messages are not a choice.
TOPICS = {
    "discrepancies": "Discrepancies: a record flagged, answered or corrected",
    "uploads": "Uploads: when one you sent has finished or failed",
    "reminders": "Renewal reminders: 90, 30 and 7 days before a license expires",
    "audit": "Audit: documentation requests and the board's answers",
}
SECURITY = "security"
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "abandoned", "unsubscribed")
DELIVERY_LABELS = {
    "pending": "Waiting to be sent",
    "sending": "Being sent",
    "sent": "Sent",
    "failed": "Failed; will be tried again",
    "abandoned": "Failed; given up",
    "unsubscribed": "Not e-mailed: the recipient turned this off",
}


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in DELIVERY_STATUSES) + ")",
            name="status_known",
        ),
        sa.Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The event (or reminder) and the recipient: "discrepancy:12:raised:user:7".
    event_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    topic: Mapped[str] = mapped_column(sa.String(20))
    # NULL for an address without an account (the roster's address of a license).
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    # A one-time link (password reset, address confirmation, link code): the body is
    # blanked once sent, so neither the database nor the in-app list keeps a live secret.
    secret: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    link_path: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def status_label(self) -> str:
        return DELIVERY_LABELS[self.status]


class EmailOptOut(Base):
    """An address that asked for no e-mail of a topic (the preferences page, or one click
    on an unsubscribe link, RFC 8058). Keyed by address, so the link works without an
    account or a session."""

    __tablename__ = "email_opt_outs"
    __table_args__ = (sa.UniqueConstraint("address", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(254))
    topic: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
