"""The worklist as .csv or .xlsx. Every text cell goes through ``safe_cell`` so a name
such as ``=HYPERLINK(...)`` stays text in a spreadsheet program."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from passport.audit.worklist import AuditRow
from passport.reporting.spreadsheets import safe_cell

COLUMNS = (
    "Licence number",
    "First name",
    "Last name",
    "Specialty",
    "Expires",
    "Status",
    "Hours required",
    "Hours earned",
    "Requirements short",
    "Open discrepancies",
)


def _values(row: AuditRow) -> list:
    licensee = row.licensee
    return [
        safe_cell(value)
        for value in (
            licensee.license_number,
            licensee.first_name,
            licensee.last_name,
            licensee.specialty or "",
            licensee.expires_on,
            row.status_label,
            row.hours_required,
            row.hours_earned,
            "; ".join(row.short_rules),
            row.open_discrepancies,
        )
    ]


def audit_csv(rows: list[AuditRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                value.strftime("%m/%d/%Y") if hasattr(value, "strftime") else value
                for value in _values(row)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def audit_xlsx(rows: list[AuditRow]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Audit")
    sheet.append(list(COLUMNS))
    for row in rows:
        values = _values(row)
        values[6], values[7] = float(values[6]), float(values[7])  # quarter hours are exact
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
