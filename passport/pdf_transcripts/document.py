"""What a PDF transcript says, as plain values: the template gets strings and numbers,
never a database object, so it cannot lazy-load (or leak) anything it was not given.

A document has one section per licence (each with its own period: a licence's renewal
cycle ends at its own expiry), the holder's self-reported credit apart, and the totals.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.compliance.evaluation import evaluate_licensees
from passport.formatting import format_credits as hours
from passport.formatting import format_date as us_date
from passport.reporting.models import Completion
from passport.roster.models import Board, Licensee
from passport.transcripts import queries
from passport.transcripts.filters import CYCLES, TranscriptFilters
from passport.transcripts.models import OPEN_STATUSES, Discrepancy, SelfReportedCredit


@dataclass(frozen=True)
class Period:
    """The dates a PDF covers: a renewal cycle (``current``, ``previous``, ``all``),
    narrowed by optional from/to dates."""

    cycle: str = "current"
    date_from: date | None = None
    date_to: date | None = None

    @property
    def filters(self) -> TranscriptFilters:
        return TranscriptFilters(cycle=self.cycle, date_from=self.date_from, date_to=self.date_to)

    def dates_for(self, expires_on: date) -> tuple[date | None, date | None]:
        return self.filters.date_range(expires_on)

    @property
    def is_whole_current_cycle(self) -> bool:
        return self.cycle == "current" and not self.date_from and not self.date_to


@dataclass(frozen=True)
class Row:
    completed_on: str
    title: str
    provider: str
    activity_code: str
    credits: str
    credit_type: str
    topics: str
    flagged: bool


@dataclass(frozen=True)
class RequirementLine:
    label: str
    required: str
    earned: str
    status: str
    due_on: str


@dataclass(frozen=True)
class Section:
    licensee_id: int
    board: str
    license_number: str
    starts_on: date | None
    ends_on: date | None
    period_label: str
    rows: tuple[Row, ...]
    total: str
    by_credit_type: tuple[tuple[str, str], ...]
    by_topic: tuple[tuple[str, str], ...]
    requirement_status: str  # "" when the period is not the current renewal cycle
    requirements: tuple[RequirementLine, ...]
    open_discrepancies: int


@dataclass(frozen=True)
class SelfReportedLine:
    completed_on: str
    title: str
    provider: str
    credits: str
    credit_type: str


@dataclass(frozen=True)
class Document:
    holder_name: str
    issued_on: str
    sections: tuple[Section, ...]
    self_reported: tuple[SelfReportedLine, ...]
    self_reported_total: str

    @property
    def row_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)

    @property
    def licences(self) -> str:
        return "; ".join(f"{s.board} {s.license_number}" for s in self.sections)


def period_label(starts_on: date | None, ends_on: date | None) -> str:
    if starts_on and ends_on:
        return f"{us_date(starts_on)} – {us_date(ends_on)}"
    if starts_on:
        return f"from {us_date(starts_on)}"
    if ends_on:
        return f"through {us_date(ends_on)}"
    return "all dates"


def _requirements(session: Session, licensee: Licensee) -> tuple[str, tuple[RequirementLine, ...]]:
    evaluation = evaluate_licensees(session, [licensee])[0].evaluation
    if evaluation is None:
        return "", ()
    return evaluation.label, tuple(
        RequirementLine(
            label=result.label,
            required=f"{result.required:g} {result.unit}",
            earned=f"{result.earned:g}",
            status=result.status,
            due_on=us_date(result.due_on),
        )
        for result in evaluation.rules
    )


def _section(session: Session, licensee: Licensee, board: str, period: Period) -> Section:
    filters = period.filters
    starts_on, ends_on = period.dates_for(licensee.expires_on)
    rows = queries.transcript_rows(session, licensee.id, licensee.expires_on, filters)
    totals = queries.transcript_totals(session, licensee.id, licensee.expires_on, filters)
    status, requirements = (
        _requirements(session, licensee) if period.is_whole_current_cycle else ("", ())
    )
    return Section(
        licensee_id=licensee.id,
        board=board,
        license_number=licensee.license_number,
        starts_on=starts_on,
        ends_on=ends_on,
        period_label=f"{CYCLES[period.cycle]}: {period_label(starts_on, ends_on)}"
        if period.cycle != "all"
        else period_label(starts_on, ends_on).capitalize(),
        rows=tuple(
            Row(
                completed_on=us_date(row.completed_on),
                title=row.activity_title,
                provider=row.provider_name,
                activity_code=row.activity_code,
                credits=hours(row.credits),
                credit_type=row.credit_type,
                topics=", ".join(row.topics),
                flagged=row.flag is not None,
            )
            for row in rows
        ),
        total=hours(totals.credits),
        by_credit_type=tuple((name, hours(value)) for name, value in totals.by_credit_type),
        by_topic=tuple((name, hours(value)) for name, value in totals.by_topic),
        requirement_status=status,
        requirements=requirements,
        open_discrepancies=session.scalar(
            sa.select(sa.func.count()).where(
                Discrepancy.licensee_id == licensee.id, Discrepancy.status.in_(OPEN_STATUSES)
            )
        ),
    )


def _self_reported(
    session: Session, user_ids: Iterable[int], sections: Iterable[Section]
) -> list[SelfReportedCredit]:
    """The holder's live self-reported credit within the span of the sections' periods."""
    sections = list(sections)
    user_ids = list(user_ids)
    if not user_ids or not sections:
        return []
    query = sa.select(SelfReportedCredit).where(
        SelfReportedCredit.user_id.in_(user_ids), SelfReportedCredit.withdrawn_at.is_(None)
    )
    starts = [s.starts_on for s in sections]
    ends = [s.ends_on for s in sections]
    if all(starts):
        query = query.where(SelfReportedCredit.completed_on >= min(starts))
    if all(ends):
        query = query.where(SelfReportedCredit.completed_on <= max(ends))
    return list(
        session.scalars(query.order_by(SelfReportedCredit.completed_on, SelfReportedCredit.id))
    )


def build_document(
    session: Session,
    *,
    holder_name: str,
    licensees: list[Licensee],
    self_reporting_user_ids: Iterable[int],
    period: Period,
    issued_on: date,
) -> Document:
    boards = dict(session.execute(sa.select(Board.id, Board.name)).all())
    sections = tuple(
        _section(session, licensee, boards[licensee.board_id], period) for licensee in licensees
    )
    self_reported = _self_reported(session, self_reporting_user_ids, sections)
    return Document(
        holder_name=holder_name,
        issued_on=us_date(issued_on),
        sections=sections,
        self_reported=tuple(
            SelfReportedLine(
                completed_on=us_date(credit.completed_on),
                title=credit.title,
                provider=credit.provider_name,
                credits=hours(credit.credits),
                credit_type=credit.credit_type_code,
            )
            for credit in self_reported
        ),
        self_reported_total=hours(sum((c.credits for c in self_reported), Decimal(0))),
    )


def fingerprint(session: Session, scope: list[dict]) -> str:
    """A SHA-256 of the reported data a PDF covers (each live completion's id, version,
    date, credits and type, per licence and period): any report, correction or deletion
    since issue changes it."""
    digest = hashlib.sha256()
    for part in scope:
        query = sa.select(
            Completion.id,
            Completion.version,
            Completion.completed_on,
            sa.type_coerce(Completion.credits, sa.Integer),
            Completion.credit_type_code,
        ).where(Completion.licensee_id == part["licensee_id"], Completion.deleted_at.is_(None))
        if part.get("starts_on"):
            query = query.where(Completion.completed_on >= date.fromisoformat(part["starts_on"]))
        if part.get("ends_on"):
            query = query.where(Completion.completed_on <= date.fromisoformat(part["ends_on"]))
        digest.update(f"licence {part['licensee_id']}\n".encode())
        for row in session.execute(query.order_by(Completion.id)):
            digest.update(("|".join(str(value) for value in row) + "\n").encode())
    return digest.hexdigest()


def scope_of(document: Document) -> list[dict]:
    return [
        {
            "licensee_id": section.licensee_id,
            "board": section.board,
            "license_number": section.license_number,
            "starts_on": section.starts_on.isoformat() if section.starts_on else None,
            "ends_on": section.ends_on.isoformat() if section.ends_on else None,
            "period": section.period_label,
        }
        for section in document.sections
    ]


def summary_of(document: Document) -> dict:
    return {
        "sections": [
            {
                "licence": f"{section.board} {section.license_number}",
                "period": section.period_label,
                "completions": len(section.rows),
                "total": section.total,
                "by_credit_type": [list(item) for item in section.by_credit_type],
                "requirement_status": section.requirement_status,
            }
            for section in document.sections
        ],
        "self_reported_total": document.self_reported_total,
        "self_reported_count": len(document.self_reported),
    }
