"""Spreadsheets Passport writes: the learner template and an upload's outcome report.

Both are written with openpyxl's write-only mode (streaming, constant memory). Values that
a spreadsheet would run as a formula are prefixed with an apostrophe (formula injection).
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from passport.reporting.records import COLUMN_TITLES, Field

OUTCOME_LABELS = {
    "created": "Created",
    "updated": "Updated (new version; the old one is kept)",
    "unchanged": "Unchanged (already reported)",
    "deleted": "Deleted",
    "rejected": "Rejected",
}

INSTRUCTIONS = [
    "How to fill in the Completions sheet",
    "",
    "One row per learner per activity. Keep the header row as it is.",
    "Record Action: Add (or leave blank) to report or correct; Delete to withdraw a record.",
    "Activity ID: your Activity ID, exactly as on your activity in Passport.",
    "Completion Date: MM/DD/YYYY or YYYY-MM-DD (or a real Excel date). Not in the future, "
    "within the activity's dates.",
    "First Name, Last Name: as on the learner's licence. Accents, hyphens and apostrophes "
    "are fine.",
    "Date of Birth (MM/DD): month and day only, e.g. 04/12. Never the year.",
    "Licensing State: CA for California licences.",
    "Licensing ID or NPI: e.g. A123456 (MBC: A, C or G + digits), 20A12345 (OMBC), "
    "or a 10-digit NPI.",
    "Number of CME Credits: more than 0, in quarter-hour steps (0.25), at most the "
    "activity's maximum.",
    "Credit Type: e.g. AMA PRA Category 1 (blank means AMA PRA Category 1).",
    "Permission to Report (optional): Yes if the learner agreed; otherwise attest it for "
    "the whole upload.",
    "Permission Scope (optional): activity, year or until withdrawn.",
    "",
    "Sending the same file again never duplicates a credit: unchanged rows are reported "
    "as unchanged.",
]


def safe_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet program would evaluate as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _header(sheet, titles: Iterable[str]) -> list[WriteOnlyCell]:
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def learner_template() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Completions")
    sheet.append(_header(sheet, COLUMN_TITLES.values()))
    guide = workbook.create_sheet("Instructions")
    for line in INSTRUCTIONS:
        guide.append([line])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def outcome_report(rows: Iterable[Any]) -> bytes:
    """Every row of an upload: its number, outcome, the errors and its values (as sent for
    a rejected or unchanged row, as stored for the others: see ``reporting.outcomes``)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Outcomes")
    fields = list(Field)
    sheet.append(
        _header(sheet, ["Row", "Outcome", "Problems", *(COLUMN_TITLES[f] for f in fields)])
    )
    for row in rows:
        problems = "; ".join(
            f"{COLUMN_TITLES[Field(error['field'])]}: {error['message']}"
            for error in row.errors or []
        )
        values = row.values
        sheet.append(
            [
                row.row_number,
                OUTCOME_LABELS[row.outcome],
                safe_cell(problems),
                *(safe_cell(values.get(field.value, "")) for field in fields),
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
