"""The worklist, an audit sample with its verdicts, and the logs, as .csv (and .xlsx).
Every text cell goes through ``safe_cell`` so a name
such as ``=HYPERLINK(...)`` stays text in a spreadsheet program."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from openpyxl import Workbook

from passport.audit.sample_cases import CASE_LABELS, CaseRow
from passport.audit.worklist import AuditRow
from passport.formatting import format_datetime
from passport.reporting.spreadsheets import safe_cell
from passport.trail.labels import action_label, describe_detail, object_label
from passport.trail.models import AccessLogEntry, AuditEvent

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


def _csv(columns: tuple[str, ...], rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                value.strftime("%m/%d/%Y") if isinstance(value, date) else value
                for value in (safe_cell(value) for value in row)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# An audit sample with its verdicts ------------------------------------------------------

SAMPLE_COLUMNS = (
    "Licence number",
    "First name",
    "Last name",
    "Expires",
    "Status",
    "Hours required",
    "Hours earned",
    "Requirements short",
    "Verdict",
    "Notes",
    "Decided by",
    "Decided at",
    "Documentation",
)


def _sample_values(row: CaseRow) -> list:
    case = row.case
    decided = case.status != "open" and case.updated_by is not None
    return [
        case.licensee.license_number,
        case.licensee.first_name,
        case.licensee.last_name,
        case.licensee.expires_on,
        row.status_label,
        row.hours_required,
        row.hours_earned,
        "; ".join(row.short_rules),
        CASE_LABELS.get(case.status, case.status),
        case.note,
        case.updated_by.email if decided else "",
        format_datetime(case.updated_at) if decided else "",
        row.documentation,
    ]


def sample_csv(rows: list[CaseRow]) -> bytes:
    return _csv(SAMPLE_COLUMNS, (_sample_values(row) for row in rows))


def sample_xlsx(rows: list[CaseRow]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sample")
    sheet.append(list(SAMPLE_COLUMNS))
    for row in rows:
        values = [safe_cell(value) for value in _sample_values(row)]
        values[5], values[6] = float(values[5]), float(values[6])  # quarter hours are exact
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# The logs, in words -------------------------------------------------------------------

ACCESS_LOG_COLUMNS = ("When (Pacific time)", "Who", "What", "Licensee", "Detail", "From")
AUDIT_TRAIL_COLUMNS = (
    "When (Pacific time)",
    "Who",
    "Action",
    "Object",
    "Object id",
    "Detail",
    "From",
)


def access_log_csv(entries: Iterable[AccessLogEntry]) -> bytes:
    return _csv(
        ACCESS_LOG_COLUMNS,
        (
            [
                format_datetime(entry.accessed_at),
                entry.user.email,
                action_label(entry.action),
                entry.licensee.license_number if entry.licensee else "",
                describe_detail(entry.detail),
                entry.ip_address or "",
            ]
            for entry in entries
        ),
    )


def audit_trail_csv(events: Iterable[AuditEvent]) -> bytes:
    return _csv(
        AUDIT_TRAIL_COLUMNS,
        (
            [
                format_datetime(event.occurred_at),
                event.actor.email if event.actor else "system",
                action_label(event.action),
                object_label(event.object_type),
                event.object_id or "",
                describe_detail(event.detail),
                event.ip_address or "",
            ]
            for event in events
        ),
    )
