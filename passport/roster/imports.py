"""A roster import as the board sees it: the file is received, its columns mapped
forgivingly, and what it would do is shown before it does it.

A column Passport does not know (``geriatric_over_25pct`` once was one) used to be dropped
in silence, and that licensee's geriatric rule then "did not apply". Now the import waits
(``waiting``) until the board maps the column to a field or chooses to ignore it; a full
roster that would mark licensees inactive waits too, with their number and the first of
them. Every import is kept (``RosterImport``): the history page lists them.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from passport.db import utcnow
from passport.errors import Forbidden, NotFound, ValidationError
from passport.reporting.parsers import FileRefused
from passport.reporting.services import StoredFile
from passport.roster.importer import (
    REQUIRED,
    TITLES,
    RosterImportResult,
    field_for_title,
    import_roster,
    license_numbers,
    missing_from,
    on_file_rule_ids,
    read_titles,
)
from passport.roster.models import Board, RosterImport

IGNORE = "ignore"
"""The board's choice for a column: read it as no field. (An empty choice changes
nothing: a column left unmapped keeps the import waiting.)"""
FIELD_CHOICES = sorted(TITLES.items(), key=lambda item: item[1])


def receive(
    session: Session,
    *,
    board: Board,
    user_id: int,
    stored: StoredFile,
    filename: str | None,
    method: str,
    full_roster: bool,
) -> RosterImport:
    """Record the file with its columns as Passport reads them and, for a full roster,
    how many licensees it would mark inactive; ``FileRefused`` when required columns are
    missing."""
    titles = read_titles(stored.path, method)
    on_file_ids = on_file_rule_ids(board)
    columns = [{"title": title, "field": field_for_title(title, on_file_ids)} for title in titles]
    _check_required(columns)
    roster_import = RosterImport(
        board_id=board.id,
        user_id=user_id,
        original_filename=(filename or "")[:255] or None,
        method=method,
        sha256=stored.sha256,
        stored_path=str(stored.path),
        full_roster=full_roster,
        status="waiting",
        columns=columns,
        would_deactivate=0,
    )
    if full_roster:
        numbers = license_numbers(stored.path, method, fields_of(columns))
        roster_import.would_deactivate = missing_from(session, board.id, numbers, limit=0)[0]
    session.add(roster_import)
    session.flush()
    return roster_import


def _check_required(columns: list[dict]) -> None:
    mapped = {column["field"] for column in columns}
    missing = [TITLES[name] for name in REQUIRED if name not in mapped]
    if missing:
        raise FileRefused(f"The header row lacks: {', '.join(missing)}.")


def fields_of(columns: list[dict]) -> list[str | None]:
    return [column["field"] or None for column in columns]


def unmapped(roster_import: RosterImport) -> list[str]:
    """Titles of the columns no field is read from, that the board has not ignored."""
    return [
        column["title"]
        for column in roster_import.columns
        if column["field"] is None and column["title"] and not column.get("ignored")
    ]


def needs_confirmation(roster_import: RosterImport) -> bool:
    return bool(unmapped(roster_import)) or roster_import.would_deactivate > 0


def deactivation_preview(session: Session, roster_import: RosterImport) -> list[str]:
    """The first license numbers a full roster would mark inactive."""
    if not roster_import.full_roster:
        return []
    numbers = license_numbers(
        Path(roster_import.stored_path), roster_import.method, fields_of(roster_import.columns)
    )
    return missing_from(session, roster_import.board_id, numbers)[1]


def remap(roster_import: RosterImport, choices: dict[int, str]) -> None:
    """Apply the board's choice for each column (by position): a field, or ``IGNORE``."""
    known = {name for name, _ in FIELD_CHOICES}
    columns = [dict(column) for column in roster_import.columns]
    for index, choice in choices.items():
        if not 0 <= index < len(columns):
            continue
        if not choice:
            continue
        if choice == IGNORE:
            columns[index].update(field=None, ignored=True)
        elif choice in known:
            columns[index].update(field=choice, ignored=False)
    taken = [c["field"] for c in columns if c["field"]]
    duplicates = sorted({TITLES[f] for f in taken if taken.count(f) > 1})
    if duplicates:
        raise ValidationError("Two columns are read as " + ", ".join(duplicates) + ".")
    _check_required(columns)
    roster_import.columns = columns


def confirm(
    session: Session,
    *,
    roster_import: RosterImport,
    board: Board,
    user_id: int,
    ip_address: str | None = None,
) -> RosterImportResult:
    """Import the file as mapped; the import is done."""
    if roster_import.status != "waiting":
        raise ValidationError("This import is finished already.")
    if unmapped(roster_import):
        raise ValidationError(
            "Map or ignore every column first: " + ", ".join(unmapped(roster_import)) + "."
        )
    result = import_roster(
        session,
        board=board,
        user_id=user_id,
        path=Path(roster_import.stored_path),
        method=roster_import.method,
        full_roster=roster_import.full_roster,
        fields=fields_of(roster_import.columns),
        ip_address=ip_address,
    )
    roster_import.status = "done"
    roster_import.finished_at = utcnow()
    roster_import.counts = {
        **{
            name: result.counts.get(name, 0)
            for name in ("created", "updated", "unchanged", "rejected")
        },
        "deactivated": result.deactivated,
        "rematched": result.rematched,
    }
    session.flush()
    return result


def cancel(roster_import: RosterImport) -> None:
    if roster_import.status == "waiting":
        roster_import.status = "cancelled"
        roster_import.finished_at = utcnow()


def import_for_board(session: Session, board_id: int, import_id: int) -> RosterImport:
    roster_import = session.get(RosterImport, import_id)
    if roster_import is None:
        raise NotFound("No such import.")
    if roster_import.board_id != board_id:
        raise Forbidden("This import belongs to another board.")
    return roster_import


def history(session: Session, board_id: int, limit: int = 50) -> list[RosterImport]:
    return list(
        session.scalars(
            sa.select(RosterImport)
            .where(RosterImport.board_id == board_id)
            .order_by(RosterImport.created_at.desc(), RosterImport.id.desc())
            .limit(limit)
        )
    )


TEMPLATE_COLUMNS = [
    ("License Number", "A123456"),
    ("First Name", "Jane"),
    ("Last Name", "Doe"),
    ("Date of Birth (MM/DD)", "04/12"),
    ("License Type", "Physician and Surgeon"),
    ("First Issued", "01/15/2010"),
    ("Expires", "04/30/2027"),
    ("Status", "active"),
    ("Specialty", "Internal Medicine"),
    ("NPI", ""),
    ("Attests 25% of patients aged 65 or over", "No"),
    ("CME Waiver", "No"),
    ("E-mail", "jane.doe@example.org"),
]


def roster_template() -> bytes:
    """The roster's columns with an example row; DOB and license columns are Text, so
    Excel keeps 04/12 and leading zeros as typed."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Roster"
    sheet.append([title for title, _ in TEMPLATE_COLUMNS])
    sheet.append([example for _, example in TEMPLATE_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(14, len(cell.value) + 2)
    for letter in ("A", "D", "J"):
        sheet.column_dimensions[letter].number_format = "@"
        sheet[f"{letter}2"].number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
