"""A sample as the auditor works it: each case with its licensee's kept standing (status
and hours), what documentation was asked for and how it stands, and how many cases are
decided. The same rows feed the page and the export."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.audit.models import (
    CASE_STATUSES,
    AuditCase,
    AuditSample,
    DocumentationDocument,
    DocumentationItem,
    DocumentationRequest,
)
from passport.compliance.models import AuditStanding
from passport.compliance.standings import refresh_standings, short_rule_labels
from passport.requirements.engine import OVERALL_LABELS
from passport.roster.requirement_sets import requirement_set_of_board

# What the page's verdict filter offers, besides each verdict itself.
CASE_FILTERS = {"": "All cases", "open": "Open", "decided": "Decided"} | {
    status: status.capitalize() for status in CASE_STATUSES if status != "open"
}
CASE_LABELS = {status: status.capitalize() for status in CASE_STATUSES}


class CaseRow(NamedTuple):
    case: AuditCase
    status: str  # the licensee's standing
    status_label: str
    hours_required: Decimal
    hours_earned: Decimal
    short_rules: tuple[str, ...]
    documentation: str  # e.g. "2 requested: 1 accepted, 1 awaiting a document"


@dataclass(frozen=True)
class SampleProgress:
    total: int
    by_verdict: dict[str, int]

    @property
    def decided(self) -> int:
        return self.total - self.by_verdict.get("open", 0)


def progress_of(sample: AuditSample) -> SampleProgress:
    return SampleProgress(len(sample.cases), dict(Counter(case.status for case in sample.cases)))


def _documentation_summaries(session: Session, sample_id: int) -> dict[int, str]:
    """Per case: how many requirements were asked for and where each stands (its latest
    document's decision, or still awaiting one)."""
    rows = session.execute(
        sa.select(DocumentationRequest.case_id, DocumentationItem.id, DocumentationDocument)
        .join(DocumentationItem, DocumentationItem.request_id == DocumentationRequest.id)
        .join(AuditCase, AuditCase.id == DocumentationRequest.case_id)
        .outerjoin(DocumentationDocument, DocumentationDocument.item_id == DocumentationItem.id)
        .where(AuditCase.sample_id == sample_id)
        .order_by(DocumentationItem.id, DocumentationDocument.id)
    ).all()
    latest: dict[int, tuple[int, str]] = {}
    for case_id, item_id, document in rows:
        latest[item_id] = (case_id, document.decision if document else "awaiting a document")
    words = {"pending": "to review", "accepted": "accepted", "rejected": "rejected"}
    per_case: dict[int, Counter] = {}
    for case_id, state in latest.values():
        per_case.setdefault(case_id, Counter())[words.get(state, state)] += 1
    return {
        case_id: f"{sum(states.values())} requested: "
        + ", ".join(f"{count} {state}" for state, count in sorted(states.items()))
        for case_id, states in per_case.items()
    }


def _keep(case: AuditCase, verdict_filter: str) -> bool:
    if verdict_filter == "decided":
        return case.status != "open"
    return not verdict_filter or case.status == verdict_filter


def case_rows(session: Session, sample: AuditSample, verdict_filter: str = "") -> list[CaseRow]:
    """The sample's cases (those ``verdict_filter`` keeps) with their standings, brought
    up to date first (the caller commits)."""
    refresh_standings(session, sample.board_id)
    standings = {
        standing.licensee_id: standing
        for standing in session.scalars(
            sa.select(AuditStanding).where(
                AuditStanding.licensee_id.in_(
                    sa.select(AuditCase.licensee_id).where(AuditCase.sample_id == sample.id)
                )
            )
        )
    }
    rs = requirement_set_of_board(session, sample.board_id)
    documentation = _documentation_summaries(session, sample.id)
    hundredth = Decimal("0.01")
    rows = []
    for case in sample.cases:
        if not _keep(case, verdict_filter):
            continue
        standing = standings.get(case.licensee_id)
        status = standing.status if standing else "unknown"
        rows.append(
            CaseRow(
                case=case,
                status=status,
                status_label=OVERALL_LABELS.get(status, "Not evaluated"),
                hours_required=Decimal(standing.hours_required_hundredths if standing else 0)
                * hundredth,
                hours_earned=Decimal(standing.hours_earned_hundredths if standing else 0)
                * hundredth,
                short_rules=short_rule_labels(rs, standing.short_rule_ids if standing else ""),
                documentation=documentation.get(case.id, ""),
            )
        )
    return rows
