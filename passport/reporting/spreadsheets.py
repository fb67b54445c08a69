"""Spreadsheets Passport writes from many rows: an upload's outcome report (and, in
``exports``, Check learners and every completion reported). The learner template, built
cell by cell for Excel, is ``learner_template``.

Written with openpyxl's write-only mode (streaming, constant memory). Values that a
spreadsheet would run as a formula are prefixed with an apostrophe (formula injection).
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from passport.reporting.problems import match_text, row_problems, summary_lines
from passport.reporting.records import COLUMN_TITLES, Field

OUTCOME_LABELS = {
    "created": "Created",
    "updated": "Updated (new version; the old one is kept)",
    "unchanged": "Unchanged (already reported)",
    "deleted": "Deleted",
    "rejected": "Rejected",
}


def safe_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet program would evaluate as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def header_row(sheet, titles: Iterable[str]) -> list[WriteOnlyCell]:
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def outcome_report(
    rows: Iterable[Any],
    *,
    file_format: str | None = None,
    summary: list[dict[str, Any]] | None = None,
) -> bytes:
    """Every row of an upload: its number, outcome, whether it matched and why not, the
    problems (named as the file names its fields, with the value sent) and its values (as
    sent for a rejected or unchanged row, as stored for the others: see
    ``reporting.outcomes``). A second sheet sums the problems by field and reason."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Outcomes")
    fields = list(Field)
    sheet.append(
        header_row(
            sheet,
            [
                "Row",
                "Outcome",
                "Problems",
                "Match",
                "Match reason",
                *(COLUMN_TITLES[f] for f in fields),
            ],
        )
    )
    for row in rows:
        problems = "; ".join(str(p) for p in row_problems(row.errors, row.values, file_format))
        label, reason = match_text(row.match_status)
        values = row.values
        sheet.append(
            [
                row.row_number,
                OUTCOME_LABELS[row.outcome],
                safe_cell(problems),
                label,
                reason,
                *(safe_cell(values.get(field.value, "")) for field in fields),
            ]
        )
    totals = workbook.create_sheet("Problems")
    totals.append(header_row(totals, ["Field", "Problem", "Rows", "First rows", "Values sent"]))
    for line in summary_lines(summary, file_format):
        totals.append(
            [
                line["title"],
                safe_cell(line["message"]),
                line["count"],
                ", ".join(str(n) for n in line["rows"]),
                safe_cell(", ".join(line["values"])),
            ]
        )
    return workbook_bytes(workbook)
