"""The learner template, built for Excel: what a provider fills in is what Passport reads.

Excel turns ``04/12`` typed in a General cell into 12 April of this year, and a licence
``0012345`` into the number 12345. So the date-of-birth and licence columns are Text
(``@``) from the first row to the last, the completion date a date, credits a number in
quarter hours; Record Action, Licensing State and Credit Type are drop-down lists; the
header is frozen, columns are wide enough to read, and an example row shows one learner.
The titles are ``records.COLUMN_TITLES``: the same the messages and the outcome report use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from passport.reporting.records import COLUMN_TITLES, Field

TEXT = "@"
LAST_ROW = 10_001  # formats and lists reach this far: 10,000 learners under the header
ACTIONS = ("Add", "Delete")
CONSENT_SCOPES = ("activity", "year", "until withdrawn")
_WIDTHS = {
    Field.ACTION: 14,
    Field.ACTIVITY_ID: 16,
    Field.COMPLETION_DATE: 16,
    Field.FIRST_NAME: 16,
    Field.LAST_NAME: 18,
    Field.DOB: 20,
    Field.LICENSING_STATE: 15,
    Field.LICENSE_OR_NPI: 20,
    Field.CREDITS: 22,
    Field.CREDIT_TYPE: 30,
    Field.PERMISSION: 20,
    Field.PERMISSION_SCOPE: 18,
}
_FORMATS = {
    Field.ACTIVITY_ID: TEXT,
    Field.COMPLETION_DATE: "mm/dd/yyyy",
    Field.DOB: TEXT,
    Field.LICENSING_STATE: TEXT,
    Field.LICENSE_OR_NPI: TEXT,
    Field.CREDITS: "0.00",
}

INSTRUCTIONS = [
    "How to fill in the Completions sheet",
    "",
    "One row per learner per activity. Keep the header row as it is; replace the example row.",
    "Record Action (last column to think about): Add, or leave blank, to report or correct; "
    "Delete to withdraw a record.",
    "Activity ID: your Activity ID, exactly as on your activity in Passport.",
    "Completion Date: MM/DD/YYYY (the column is a date column). Not in the future, within "
    "the activity's dates.",
    "First Name, Last Name: as on the learner's license. Accents, hyphens and apostrophes "
    "are fine.",
    "Date of Birth (MM/DD): month and day only, e.g. 04/12. Never the year. The column is "
    "Text, so Excel keeps 04/12 as typed; if you paste from elsewhere, paste values only.",
    "Licensing State: pick from the list (CA for California licenses).",
    "Licensing ID or NPI: e.g. A123456 (MBC: A, C or G + digits), 20A12345 (OMBC), or a "
    "10-digit NPI. The column is Text, so leading zeros stay.",
    "Number of CME Credits: more than 0, in quarter-hour steps (0.25), at most the "
    "activity's maximum.",
    "Credit Type: pick from the list (blank means AMA PRA Category 1 Credit).",
    "Permission to Report (optional): Yes if the learner agreed; otherwise attest it for "
    "the whole upload.",
    "Permission Scope (optional): activity, year or until withdrawn.",
    "",
    "Sending the same file again never duplicates a credit: unchanged rows are reported as "
    "unchanged. After an upload, the outcome page says which rows were rejected and which "
    "were stored but did not match the board's roster (those reach no transcript until "
    "corrected).",
]


def _list_validation(source: str, column: str, title: str) -> DataValidation:
    # The choices live on the hidden Lists sheet: a list written inline in the rule may
    # hold only 255 characters, and no value of it may contain a comma.
    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error=f"Pick a value from the list for {title}.",
    )
    validation.add(f"{column}2:{column}{LAST_ROW}")
    return validation


def _column(field: Field) -> str:
    return get_column_letter(list(Field).index(field) + 1)


def _example(credit_types: Sequence[str], states: Sequence[str]) -> dict[Field, object]:
    return {
        Field.ACTION: "Add",
        Field.ACTIVITY_ID: "YOUR-ACTIVITY-ID",
        Field.COMPLETION_DATE: date.today().replace(day=1),
        Field.FIRST_NAME: "Jane",
        Field.LAST_NAME: "Doe",
        Field.DOB: "04/12",
        Field.LICENSING_STATE: states[0] if states else "CA",
        Field.LICENSE_OR_NPI: "A123456",
        Field.CREDITS: 1.5,
        Field.CREDIT_TYPE: next(
            (name for name in credit_types if name.startswith("AMA PRA Category 1")),
            credit_types[0] if credit_types else "",
        ),
        Field.PERMISSION: "Yes",
        Field.PERMISSION_SCOPE: "year",
    }


def learner_template(credit_types: Sequence[str], states: Sequence[str]) -> bytes:
    """The template as .xlsx bytes; ``credit_types`` are the names a provider may report
    (the Credit Type list), ``states`` the licensing states Passport serves."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Completions"
    fields = list(Field)
    sheet.append([COLUMN_TITLES[field] for field in fields])
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    example = _example(credit_types, states)
    sheet.append([example[field] for field in fields])
    for field in fields:
        letter = _column(field)
        sheet.column_dimensions[letter].width = _WIDTHS[field]
        number_format = _FORMATS.get(field)
        if number_format:
            # The column's own style is what Excel gives every cell typed in it; the
            # example row's cell carries it too. (Styling 10,000 empty cells instead would
            # make the sheet's dimension, and the upload's row count, 10,000 rows.)
            sheet.column_dimensions[letter].number_format = number_format
            sheet[f"{letter}2"].number_format = number_format
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Instructions")
    guide.column_dimensions["A"].width = 110
    for line in INSTRUCTIONS:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=13)
    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    for index, (values, field) in enumerate(
        (
            (ACTIONS, Field.ACTION),
            (tuple(states), Field.LICENSING_STATE),
            (tuple(credit_types), Field.CREDIT_TYPE),
            (("Yes", "No"), Field.PERMISSION),
            (CONSENT_SCOPES, Field.PERMISSION_SCOPE),
        ),
        start=1,
    ):
        if not values:
            continue
        letter = get_column_letter(index)
        lists[f"{letter}1"] = COLUMN_TITLES[field]
        for row, value in enumerate(values, start=2):
            lists[f"{letter}{row}"] = value
        source = f"Lists!${letter}$2:${letter}${len(values) + 1}"
        sheet.add_data_validation(_list_validation(source, _column(field), COLUMN_TITLES[field]))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
