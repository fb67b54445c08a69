"""A share link and the views of it. Only the SHA-256 of the link's token is stored: the
link is shown once, like an API secret, and a copy of the database opens nothing."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passport.db import Base, UTCDateTime, utcnow


class TranscriptShare(Base):
    __tablename__ = "transcript_shares"
    __table_args__ = (sa.CheckConstraint("starts_on <= ends_on", name="period_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    licensee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("licensees.id", ondelete="RESTRICT"), index=True
    )
    # The verification record issued with the share (/verify/<code> tells whether the
    # reported data changed since).
    issued_transcript_id: Mapped[int] = mapped_column(
        sa.ForeignKey("issued_transcripts.id", ondelete="RESTRICT"), index=True
    )
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    recipient: Mapped[str] = mapped_column(sa.String(120))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    expires_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    licensee = relationship("Licensee")
    issued = relationship("IssuedTranscript")
    views = relationship(
        "TranscriptShareView", order_by="TranscriptShareView.viewed_at.desc()", lazy="selectin"
    )

    def is_open_on(self, today: date) -> bool:
        return self.revoked_at is None and today <= self.expires_on


class TranscriptShareView(Base):
    """One opening of a share link: when, and from which client (kept for abuse; the
    physician is shown the time)."""

    __tablename__ = "transcript_share_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[int] = mapped_column(
        sa.ForeignKey("transcript_shares.id", ondelete="CASCADE"), index=True
    )
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
