"""Reads for board staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.roster.models import Licensee
from passport.transcripts.models import Discrepancy


@dataclass(frozen=True)
class BoardOverview:
    licensee_count: int
    renewing_soon_count: int
    open_discrepancy_count: int


def board_overview(
    session: Session, board_id: int, today: date, window_days: int = 90
) -> BoardOverview:
    licensee_count, renewing_soon = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(
                Licensee.expires_on.between(today, today + timedelta(days=window_days))
            ),
        ).where(Licensee.board_id == board_id, Licensee.on_latest_roster.is_(True))
    ).one()
    open_discrepancies = session.scalar(
        sa.select(sa.func.count())
        .select_from(Discrepancy)
        .join(Licensee, Discrepancy.licensee_id == Licensee.id)
        .where(Licensee.board_id == board_id, Discrepancy.status == "open")
    )
    return BoardOverview(licensee_count, renewing_soon, open_discrepancies or 0)
