"""The learner-completion record as it arrives, before validation.

The columns are those of ACCME's learner Excel template, plus two optional permission
columns. Every way in (web form, .xlsx, .csv, XML, API) produces ``RawRecord``s: a row
number and the values as sent, keyed by ``Field``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Field(StrEnum):
    ACTION = "record_action"
    ACTIVITY_ID = "activity_id"
    COMPLETION_DATE = "completion_date"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    DOB = "date_of_birth"
    LICENSING_STATE = "licensing_state"
    LICENSE_OR_NPI = "license_or_npi"
    CREDITS = "credits"
    CREDIT_TYPE = "credit_type"
    PERMISSION = "permission"
    PERMISSION_SCOPE = "permission_scope"


COLUMN_TITLES: dict[Field, str] = {
    Field.ACTION: "Record Action",
    Field.ACTIVITY_ID: "Activity ID",
    Field.COMPLETION_DATE: "Completion Date",
    Field.FIRST_NAME: "First Name",
    Field.LAST_NAME: "Last Name",
    Field.DOB: "Date of Birth (MM/DD)",
    Field.LICENSING_STATE: "Licensing State",
    Field.LICENSE_OR_NPI: "Licensing ID or NPI",
    Field.CREDITS: "Number of CME Credits",
    Field.CREDIT_TYPE: "Credit Type",
    Field.PERMISSION: "Permission to Report",
    Field.PERMISSION_SCOPE: "Permission Scope",
}
REQUIRED_COLUMNS = [
    field for field in Field if field not in (Field.PERMISSION, Field.PERMISSION_SCOPE)
]
IDENTITY_FIELDS = [
    Field.FIRST_NAME,
    Field.LAST_NAME,
    Field.DOB,
    Field.LICENSING_STATE,
    Field.LICENSE_OR_NPI,
]

XML_ELEMENTS: dict[Field, str] = {
    Field.ACTION: "RecordAction",
    Field.ACTIVITY_ID: "ActivityID",
    Field.COMPLETION_DATE: "CompletionDate",
    Field.FIRST_NAME: "FirstName",
    Field.LAST_NAME: "LastName",
    Field.DOB: "DateOfBirth",
    Field.LICENSING_STATE: "LicensingState",
    Field.LICENSE_OR_NPI: "LicensingIDOrNPI",
    Field.CREDITS: "Credits",
    Field.CREDIT_TYPE: "CreditType",
    Field.PERMISSION: "PermissionToReport",
    Field.PERMISSION_SCOPE: "PermissionScope",
}

_HEADER_NOISE = re.compile(r"[^a-z0-9]")
_HEADER_ALIASES = {
    "recordaction": Field.ACTION,
    "action": Field.ACTION,
    "activityid": Field.ACTIVITY_ID,
    "completiondate": Field.COMPLETION_DATE,
    "firstname": Field.FIRST_NAME,
    "lastname": Field.LAST_NAME,
    "dateofbirthmmdd": Field.DOB,
    "dateofbirth": Field.DOB,
    "dobmmdd": Field.DOB,
    "dob": Field.DOB,
    "licensingstate": Field.LICENSING_STATE,
    "licensestate": Field.LICENSING_STATE,
    "licensingidornpi": Field.LICENSE_OR_NPI,
    "licensingid": Field.LICENSE_OR_NPI,
    "licensenumber": Field.LICENSE_OR_NPI,
    "npi": Field.LICENSE_OR_NPI,
    "numberofcmecredits": Field.CREDITS,
    "credits": Field.CREDITS,
    "credittype": Field.CREDIT_TYPE,
    "permissiontoreport": Field.PERMISSION,
    "permission": Field.PERMISSION,
    "permissionscope": Field.PERMISSION_SCOPE,
}


# Where each field sits in a MedBiquitous ActivityReport (``medbiq``): what its messages
# name instead of a column title.
MEDBIQ_ELEMENTS: dict[Field, str] = {
    Field.ACTION: "XtensibleInfo/LearnerRecordAction",
    Field.ACTIVITY_ID: "Module/ModuleName@moduleID",
    Field.COMPLETION_DATE: "Module/CompletedDateTime",
    Field.FIRST_NAME: "Member/Name/GivenName",
    Field.LAST_NAME: "Member/Name/FamilyName",
    Field.DOB: "Member/PersonalInfo/BirthDate",
    Field.LICENSING_STATE: "Member/UniqueID@domain",
    Field.LICENSE_OR_NPI: "Member/UniqueID",
    Field.CREDITS: "CreditCertificate/CreditReceived/numberOfCredits",
    Field.CREDIT_TYPE: "CreditCertificate/CreditReceived/activityCertification",
    Field.PERMISSION: "XtensibleInfo/PermissionToReport",
    Field.PERMISSION_SCOPE: "XtensibleInfo/PermissionScope",
}


def field_titles(file_format: str | None) -> dict[Field, str]:
    """What the sender calls each field: the template's column titles for a spreadsheet
    or the form, the element names for Passport's XML, the element paths for a
    MedBiquitous ActivityReport."""
    if file_format == "medbiq":
        return MEDBIQ_ELEMENTS
    if file_format == "passport_xml":
        return XML_ELEMENTS
    return COLUMN_TITLES


@dataclass(frozen=True)
class RawRecord:
    """One record as sent: ``row_number`` as the sender counts it (header = row 1).
    ``notes`` are problems the reader saw that no value can carry (a MedBiquitous
    identifier of an unknown kind); validation reports them with the rest."""

    row_number: int
    values: dict[Field, Any]
    notes: tuple[tuple[Field, str], ...] = ()

    def get(self, field: Field) -> Any:
        return self.values.get(field)

    def as_submitted(self) -> dict[str, str]:
        """The values as JSON-safe strings, kept for the outcome report."""
        # Field is a StrEnum: its members are already the JSON keys wanted.
        return {
            field: value[:200]
            if value.__class__ is str
            else ("" if value is None else str(value))[:200]
            for field, value in self.values.items()
        }


def field_for_header(title: Any) -> Field | None:
    """Map a header cell to a field, forgiving case, spaces and punctuation."""
    key = _HEADER_NOISE.sub("", str(title or "").lower())
    return _HEADER_ALIASES.get(key)


def header_fields(
    titles: list[Any], required: list[Field] = REQUIRED_COLUMNS
) -> tuple[list[Field | None], list[str]]:
    """Fields for each header cell, and the titles of required columns that are missing."""
    fields = [field_for_header(title) for title in titles]
    missing = [COLUMN_TITLES[f] for f in required if f not in fields]
    return fields, missing
