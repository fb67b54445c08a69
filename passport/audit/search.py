"""The board's search of its whole roster: any licensee by license number or name, with
the standing kept for it, whatever its expiry (the worklist searches only its window)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.audit.worklist import LICENSEE_COLUMNS
from passport.compliance.models import AuditStanding
from passport.compliance.standings import refresh_standings
from passport.requirements.engine import OVERALL_LABELS
from passport.roster.models import Licensee
from passport.roster.search import exact_number_first, licensee_search_condition, refresh_name_keys

MAX_HITS = 100


@dataclass(frozen=True)
class SearchHit:
    licensee: sa.Row  # worklist.LICENSEE_COLUMNS
    status: str
    status_label: str
    hours_required: Decimal
    hours_earned: Decimal


@dataclass(frozen=True)
class SearchResult:
    text: str
    hits: list[SearchHit]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.hits)


def search_board(session: Session, board_id: int, text: str) -> SearchResult:
    """Up to ``MAX_HITS`` licensees of the board answering ``text``, an exact license
    number first, then by name; and how many answer in all. Brings the name keys and the
    standings up to date first (the caller commits)."""
    text = (text or "").strip()[:100]
    refresh_name_keys(session, board_id)
    condition = licensee_search_condition(board_id, text)
    if condition is None:
        return SearchResult(text, [], 0)
    refresh_standings(session, board_id)
    total = session.scalar(sa.select(sa.func.count()).select_from(Licensee).where(condition))
    query = (
        sa.select(
            *LICENSEE_COLUMNS,
            AuditStanding.status.label("standing"),
            sa.func.coalesce(AuditStanding.hours_required_hundredths, 0).label("required"),
            sa.func.coalesce(AuditStanding.hours_earned_hundredths, 0).label("earned"),
        )
        .outerjoin(AuditStanding, AuditStanding.licensee_id == Licensee.id)
        .where(condition)
        .order_by(
            exact_number_first(text),
            sa.func.lower(Licensee.last_name),
            sa.func.lower(Licensee.first_name),
            Licensee.id,
        )
        .limit(MAX_HITS)
    )
    hundredth = Decimal("0.01")
    hits = [
        SearchHit(
            licensee=row,
            status=row.standing or "unknown",
            status_label=OVERALL_LABELS.get(row.standing or "", "Not evaluated"),
            hours_required=Decimal(row.required) * hundredth,
            hours_earned=Decimal(row.earned) * hundredth,
        )
        for row in session.execute(query)
    ]
    return SearchResult(text, hits, total or 0)
