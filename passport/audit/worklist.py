"""The auditor's worklist: licensees renewing in a window, each evaluated against the
board's requirement set, filtered, searched, sorted and counted.

The licensees are read as plain rows and their credit as one row of sums each
(``audit.evaluation.measure_totals``); filtering by status needs the evaluation, so the
window is evaluated whole and then paged in memory.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.audit.evaluation import measure_totals
from passport.reporting.validation import parse_date
from passport.requirements.engine import OVERALL_LABELS, LicenseeFacts, evaluate_totals
from passport.requirements.rules import requirement_set_for
from passport.roster.identifiers import normalise_license_number
from passport.roster.models import Board, Licensee
from passport.transcripts.models import OPEN_STATUSES, Discrepancy

PAGE_SIZE = 50
SORTS = {
    "expires": "Expiry date",
    "name": "Name",
    "license": "Licence number",
    "earned": "Hours earned",
    "status": "Status",
}
STATUS_ORDER = {"short": 0, "no credit": 1, "meets": 2, "exempt": 3, "unknown": 4}


@dataclass(frozen=True)
class AuditFilters:
    starts_on: date
    ends_on: date
    status: str = ""
    specialty: str = ""
    search: str = ""
    sort: str = "expires"
    page: int = 1
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args: Any, today: date) -> AuditFilters:
        problems = []
        starts_on = parse_date(args.get("from") or "") or today
        ends_on = parse_date(args.get("to") or "") or today + timedelta(days=90)
        if ends_on < starts_on:
            problems.append("The window ended before it started; the dates were swapped.")
            starts_on, ends_on = ends_on, starts_on
        if (ends_on - starts_on).days > 800:
            problems.append("Windows are limited to about two years; the end was moved.")
            ends_on = starts_on + timedelta(days=800)
        status = args.get("status") or ""
        sort = args.get("sort") or "expires"
        page = args.get("page", "1")
        return cls(
            starts_on=starts_on,
            ends_on=ends_on,
            status=status if status in OVERALL_LABELS else "",
            specialty=(args.get("specialty") or "").strip()[:100],
            search=(args.get("q") or "").strip()[:100],
            sort=sort if sort in SORTS else "expires",
            page=int(page) if str(page).isdigit() and len(str(page)) < 7 else 1,
            problems=tuple(problems),
        )

    def to_args(self, **changes: Any) -> dict[str, str]:
        values = {
            "from": self.starts_on.isoformat(),
            "to": self.ends_on.isoformat(),
            "status": self.status,
            "specialty": self.specialty,
            "q": self.search,
            "sort": self.sort if self.sort != "expires" else "",
        } | changes
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


# What the worklist shows of a licensee and the engine needs: read as plain rows, because
# loading a whole roster as ORM objects would take longer than evaluating it.
LICENSEE_COLUMNS = (
    Licensee.id,
    Licensee.license_number,
    Licensee.first_name,
    Licensee.last_name,
    Licensee.status,
    # the engine's LicenseeFacts, in its field order (read with one slice)
    Licensee.first_issued_on,
    Licensee.expires_on,
    Licensee.specialty,
    Licensee.attests_geriatric_patients,
    Licensee.cme_waiver_on_file,
)
FACTS = slice(5, 10)


class AuditRow(NamedTuple):  # one per licensee of a window: cheap to make
    licensee: sa.Row  # LICENSEE_COLUMNS
    status: str
    status_label: str
    hours_required: Decimal
    hours_earned: Decimal
    short_rules: tuple[str, ...]
    open_discrepancies: int


@dataclass(frozen=True)
class Worklist:
    rows: list[AuditRow]  # this page
    page: int
    total: int
    counts: dict[str, int]  # by status, over the whole (filtered) window
    hours_histogram: list[tuple[str, int]]
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def _selection(board_id: int, filters: AuditFilters) -> sa.Select:
    query = sa.select(*LICENSEE_COLUMNS).where(
        Licensee.board_id == board_id,
        Licensee.expires_on.between(filters.starts_on, filters.ends_on),
    )
    if filters.specialty:
        query = query.where(Licensee.specialty == filters.specialty)
    if filters.search:
        text = filters.search.lower()
        query = query.where(
            sa.or_(
                Licensee.license_number == normalise_license_number(filters.search),
                sa.func.lower(Licensee.last_name).contains(text, autoescape=True),
                sa.func.lower(Licensee.first_name + " " + Licensee.last_name).contains(
                    text, autoescape=True
                ),
            )
        )
    return query


def _open_discrepancies(session: Session, board_id: int, filters: AuditFilters) -> Counter:
    """Open discrepancies per licensee of the window, in one grouped query."""
    return Counter(
        dict(
            session.execute(
                sa.select(Discrepancy.licensee_id, sa.func.count())
                .join(Licensee, Licensee.id == Discrepancy.licensee_id)
                .where(
                    Discrepancy.status.in_(OPEN_STATUSES),
                    Licensee.board_id == board_id,
                    Licensee.expires_on.between(filters.starts_on, filters.ends_on),
                )
                .group_by(Discrepancy.licensee_id)
            ).all()
        )
    )


def _histogram(rows: list[AuditRow]) -> list[tuple[str, int]]:
    """Licensees by hours earned, in bands of ten (the last band open-ended)."""
    bands = Counter(min(int(row.hours_earned // 10), 6) for row in rows)
    labels = [f"{10 * band}-{10 * band + 9.75:g}" for band in range(6)] + ["60+"]
    return [(labels[band], bands.get(band, 0)) for band in range(7)]


def evaluate_window(session: Session, board_id: int, filters: AuditFilters) -> list[AuditRow]:
    """Every licensee of the window (before status filter and paging), evaluated."""
    selection = _selection(board_id, filters)
    licensees = session.execute(selection).all()
    discrepancies = _open_discrepancies(session, board_id, filters)
    rs = requirement_set_for(session.scalar(sa.select(Board.code).where(Board.id == board_id)))
    if rs is None:
        return [
            AuditRow(lic, "unknown", "No requirement set", Decimal(0), Decimal(0), (), 0)
            for lic in licensees
        ]
    totals = measure_totals(session, rs, selection.subquery()) if licensees else {}
    rows = []
    for licensee in licensees:
        evaluation = evaluate_totals(
            rs, LicenseeFacts._make(licensee[FACTS]), totals.get(licensee.id, {})
        )
        rows.append(
            AuditRow(
                licensee=licensee,
                status=evaluation.status,
                status_label=evaluation.label,
                hours_required=evaluation.hours_required,
                hours_earned=evaluation.hours_earned,
                short_rules=tuple([r.label for r in evaluation.rules if r.status == "short"]),
                open_discrepancies=discrepancies.get(licensee.id, 0),
            )
        )
    return rows


def _sort_key(sort: str):
    return {
        "expires": lambda row: (row.licensee.expires_on, row.licensee.last_name),
        "name": lambda row: (row.licensee.last_name.lower(), row.licensee.first_name.lower()),
        "license": lambda row: row.licensee.license_number,
        "earned": lambda row: (row.hours_earned, row.licensee.last_name),
        "status": lambda row: (STATUS_ORDER.get(row.status, 9), row.licensee.expires_on),
    }[sort]


def worklist(session: Session, board_id: int, filters: AuditFilters) -> Worklist:
    rows = evaluate_window(session, board_id, filters)
    counts = Counter(row.status for row in rows)
    histogram = _histogram(rows)
    if filters.status:
        rows = [row for row in rows if row.status == filters.status]
    rows.sort(key=_sort_key(filters.sort))
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(filters.page, pages)
    start = (page - 1) * PAGE_SIZE
    return Worklist(rows[start : start + PAGE_SIZE], page, len(rows), dict(counts), histogram)


def all_rows(session: Session, board_id: int, filters: AuditFilters) -> list[AuditRow]:
    """Every row of the filtered window, sorted (for export)."""
    rows = evaluate_window(session, board_id, replace(filters, page=1))
    if filters.status:
        rows = [row for row in rows if row.status == filters.status]
    return sorted(rows, key=_sort_key(filters.sort))


def specialties(session: Session, board_id: int) -> list[str]:
    return [
        value
        for value in session.scalars(
            sa.select(Licensee.specialty)
            .where(Licensee.board_id == board_id, Licensee.specialty.is_not(None))
            .distinct()
            .order_by(Licensee.specialty)
        )
    ]
