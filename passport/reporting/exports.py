"""Spreadsheets a provider downloads to work through a list: the results of Check learners
and every completion it reported (in the template's columns, so it can be compared with,
corrected and sent back as its own records). Written in openpyxl's write-only mode."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from passport.reporting.matching import match_label
from passport.reporting.records import COLUMN_TITLES, Field
from passport.reporting.spreadsheets import header_row, safe_cell, workbook_bytes

CHECK_RESULTS = {
    "matched": "Matched",
    "not_matched": "Not matched",
    "fix_first": "Fix first",
}
_SCOPES = {"activity": "activity", "year": "year", "until_withdrawn": "until withdrawn"}


def check_result(check: Any) -> str:
    """A Check learners row's result: ``matched``, ``not_matched`` or ``fix_first``."""
    if check.errors:
        return "fix_first"
    return "matched" if check.matched else "not_matched"


def learner_checks_report(checks: Iterable[Any]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Learners")
    sheet.append(header_row(sheet, ["Row", "Learner", "Licensing ID or NPI", "Result", "Reason"]))
    for check in checks:
        result = check_result(check)
        reason = check.problems if check.errors else ("" if check.matched else check.match_reason)
        sheet.append(
            [
                check.row_number,
                safe_cell(check.name),
                safe_cell(check.identifier),
                CHECK_RESULTS[result],
                safe_cell(reason or ""),
            ]
        )
    return workbook_bytes(workbook)


def completions_report(rows: Iterable[Any]) -> bytes:
    """Every completion as a row of the learner template (Record Action ``Add``), then
    whether it matched: the file can be edited and uploaded again as it is."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Completions")
    sheet.append(header_row(sheet, [*(COLUMN_TITLES[f] for f in Field), "Match"]))
    for row in rows:
        values = {
            Field.ACTION: "Add",
            Field.ACTIVITY_ID: row.activity_code,
            Field.COMPLETION_DATE: row.completed_on,
            Field.FIRST_NAME: row.first_name,
            Field.LAST_NAME: row.last_name,
            Field.DOB: f"{row.dob_month:02d}/{row.dob_day:02d}",
            Field.LICENSING_STATE: row.license_state or "",
            Field.LICENSE_OR_NPI: row.license_number or row.npi,
            Field.CREDITS: float(row.credits),
            Field.CREDIT_TYPE: row.credit_type_name,
            Field.PERMISSION: "Yes",
            Field.PERMISSION_SCOPE: _SCOPES.get(row.consent_basis, row.consent_basis),
        }
        sheet.append(
            [*(safe_cell(values[field]) for field in Field), match_label(row.match_status)]
        )
    return workbook_bytes(workbook)
