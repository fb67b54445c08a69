"""Every PDF transcript issued, so anyone holding one can check it at /verify/<code>."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from passport.db import Base, UTCDateTime, utcnow


class IssuedTranscript(Base):
    """What a PDF said when it was issued: whose, which licences and periods, the totals,
    and a fingerprint of the reported data, recomputed at verification to tell whether
    anything has changed since."""

    __tablename__ = "issued_transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    holder_name: Mapped[str] = mapped_column(sa.String(300))
    # [{"licensee_id", "board", "license_number", "starts_on", "ends_on"}, ...]: what to
    # recompute the fingerprint over.
    scope: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    # The totals as printed, for the verification page.
    summary: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    row_count: Mapped[int] = mapped_column(sa.Integer)
    # Set when the physician withdraws the transcript: /verify then says so.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
