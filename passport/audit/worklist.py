"""The auditor's worklist: licensees renewing in a window, each evaluated against the
board's requirement set, filtered, searched, sorted and counted.

Each licensee's evaluation is kept in ``audit_standings`` (``compliance.standings`` brings it
up to date first), so filtering by status, sorting by hours, counting and paging are all
plain SQL over the window.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.compliance.models import AuditStanding
from passport.compliance.standings import refresh_standings, short_rule_labels
from passport.reporting.validation import parse_date
from passport.requirements.engine import OVERALL_LABELS
from passport.roster.identifiers import normalise_license_number
from passport.roster.models import Board, Licensee
from passport.roster.requirement_sets import requirement_set_of, requirement_set_of_board
from passport.transcripts.models import OPEN_STATUSES, Discrepancy

PAGE_SIZE = 50
SORTS = {
    "expires": "Expiry date",
    "name": "Name",
    "license": "Licence number",
    "earned": "Hours earned",
    "status": "Status",
}
STATUS_ORDER = {
    "short": 0,
    "no cycle credit": 1,
    "no credit": 2,
    "meets": 3,
    "exempt": 4,
    "unknown": 5,
}


_RULE_ID = re.compile(r"[a-z0-9_]{1,40}")


@dataclass(frozen=True)
class AuditFilters:
    starts_on: date
    ends_on: date
    status: str = ""
    rule: str = ""  # a rule id: only licensees short (or overdue) on it
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
        rule = (args.get("rule") or "").strip()
        sort = args.get("sort") or "expires"
        page = str(args.get("page", "1"))
        return cls(
            starts_on=starts_on,
            ends_on=ends_on,
            status=status if status in OVERALL_LABELS else "",
            rule=rule if _RULE_ID.fullmatch(rule) else "",
            specialty=(args.get("specialty") or "").strip()[:100],
            search=(args.get("q") or "").strip()[:100],
            sort=sort if sort in SORTS else "expires",
            page=int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1,
            problems=tuple(problems),
        )

    def to_args(self, **changes: Any) -> dict[str, str]:
        values = {
            "from": self.starts_on.isoformat(),
            "to": self.ends_on.isoformat(),
            "status": self.status,
            "rule": self.rule,
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
    Licensee.expires_on,
    Licensee.specialty,
)


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


def _open_discrepancies(session: Session, licensees: sa.Subquery) -> Counter:
    """Open discrepancies per licensee of ``licensees``, in one grouped query."""
    return Counter(
        dict(
            session.execute(
                sa.select(Discrepancy.licensee_id, sa.func.count())
                .join(licensees, licensees.c.id == Discrepancy.licensee_id)
                .where(Discrepancy.status.in_(OPEN_STATUSES))
                .group_by(Discrepancy.licensee_id)
            ).all()
        )
    )


def _window(session: Session, board_id: int, filters: AuditFilters) -> sa.Subquery:
    """The filtered window (before the status filter) with each licensee's standing,
    brought up to date first."""
    refresh_standings(session, board_id)
    return (
        _selection(board_id, filters)
        .add_columns(
            sa.func.coalesce(AuditStanding.status, "unknown").label("standing"),
            sa.func.coalesce(AuditStanding.hours_required_hundredths, 0).label("required"),
            sa.func.coalesce(AuditStanding.hours_earned_hundredths, 0).label("earned"),
            AuditStanding.short_rule_ids,
        )
        .outerjoin(AuditStanding, AuditStanding.licensee_id == Licensee.id)
        .subquery("window")
    )


def _filtered(query: sa.Select, window: sa.Subquery, filters: AuditFilters) -> sa.Select:
    """The status and short-rule filters (the counts by status are taken before them)."""
    query = query.select_from(window)
    if filters.status:
        query = query.where(window.c.standing == filters.status)
    if filters.rule:  # short_rule_ids is a space-separated list of rule ids
        padded = sa.literal(" ") + sa.func.coalesce(window.c.short_rule_ids, "") + " "
        query = query.where(padded.like(f"% {filters.rule} %"))
    return query


def _histogram(session: Session, window: sa.Subquery) -> list[tuple[str, int]]:
    """Licensees by hours earned, in bands of ten (the last band open-ended)."""
    band = sa.case((window.c.earned >= 6000, 6), else_=window.c.earned // 1000)
    bands = dict(session.execute(sa.select(band, sa.func.count()).group_by(band)).all())
    labels = [f"{10 * band}-{10 * band + 9.75:g}" for band in range(6)] + ["60+"]
    return [(labels[band], bands.get(band, 0)) for band in range(7)]


def _order_by(window: sa.Subquery, sort: str) -> list:
    columns = window.c
    status_order = sa.case(STATUS_ORDER, value=columns.standing, else_=9)
    return {
        "expires": [columns.expires_on, columns.last_name],
        "name": [sa.func.lower(columns.last_name), sa.func.lower(columns.first_name)],
        "license": [columns.license_number],
        "earned": [columns.earned, columns.last_name],
        "status": [status_order, columns.expires_on],
    }[sort] + [columns.id]


def _rows(session: Session, board_id: int, query: sa.Select, discrepancies: Counter) -> list:
    rs = requirement_set_of_board(session, board_id)
    hundredth = Decimal("0.01")
    return [
        AuditRow(
            licensee=row,
            status=row.standing,
            status_label=OVERALL_LABELS.get(row.standing, "No requirement set"),
            hours_required=Decimal(row.required) * hundredth,
            hours_earned=Decimal(row.earned) * hundredth,
            short_rules=short_rule_labels(rs, row.short_rule_ids),
            open_discrepancies=discrepancies.get(row.id, 0),
        )
        for row in session.execute(query)
    ]


def worklist(session: Session, board_id: int, filters: AuditFilters) -> Worklist:
    """One page of the worklist, with the counts and histogram of the whole window: all in
    SQL over the kept standings, so a page costs the same for 50 licensees or 50,000."""
    window = _window(session, board_id, filters)
    counts = dict(
        session.execute(
            sa.select(window.c.standing, sa.func.count()).group_by(window.c.standing)
        ).all()
    )
    query = _filtered(sa.select(window), window, filters)
    if filters.rule:
        total = session.scalar(_filtered(sa.select(sa.func.count()), window, filters))
    else:
        total = counts.get(filters.status, 0) if filters.status else sum(counts.values())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    query = query.order_by(*_order_by(window, filters.sort))
    page_query = query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    on_page = page_query.with_only_columns(window.c.id).subquery()
    rows = _rows(session, board_id, page_query, _open_discrepancies(session, on_page))
    return Worklist(rows, page, total, counts, _histogram(session, window), PAGE_SIZE)


def all_rows(session: Session, board_id: int, filters: AuditFilters) -> list[AuditRow]:
    """Every row of the filtered window, sorted (for export)."""
    window = _window(session, board_id, filters)
    query = _filtered(sa.select(window), window, filters).order_by(*_order_by(window, filters.sort))
    return _rows(session, board_id, query, _open_discrepancies(session, window))


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


def rule_choices(board: Board) -> list[tuple[str, str]]:
    """The board's rules, for the "short on" filter."""
    rs = requirement_set_of(board)
    return [(rule.id, rule.label) for rule in rs.rules] if rs else []
