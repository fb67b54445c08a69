"""Builders for test upload files and a small reporting world."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

from passport.reporting.parsers import XML_NAMESPACE
from passport.reporting.records import COLUMN_TITLES, XML_ELEMENTS, Field

HEADER = [COLUMN_TITLES[field] for field in Field]


def activity_form(**changes) -> dict[str, object]:
    """A valid web form for a new activity, with ``changes``."""
    return {
        "activity_code": "NEW-1",
        "title": "Opioid prescribing",
        "activity_type": "live",
        "starts_on": "2026-01-01",
        "ends_on": "2026-01-02",
        "max_credits": "3.5",
        "credit_type_codes": ["AMA_PRA_1"],
        "topic_codes": ["substance_use"],
    } | changes


def completion_form(**changes) -> dict[str, object]:
    """A valid web form for one learner's completion of ACT-1 today, with ``changes``."""
    return {
        "record_action": "Add",
        "activity_id": "ACT-1",
        "completion_date": date.today().strftime("%m/%d/%Y"),
        "first_name": "Jane",
        "last_name": "Doe",
        "date_of_birth": "04/12",
        "licensing_state": "CA",
        "license_or_npi": "A123456",
        "credits": "1",
        "credit_type": "AMA PRA Category 1 Credit",
        "permission_scope": "activity",
        "permission_attested": "y",
    } | changes


def row(**values) -> dict[Field, object]:
    """A valid record for the standard world, with ``values`` overriding fields."""
    base = {
        Field.ACTION: "Add",
        Field.ACTIVITY_ID: "ACT-1",
        Field.COMPLETION_DATE: (date.today() - timedelta(days=5)).strftime("%m/%d/%Y"),
        Field.FIRST_NAME: "Jane",
        Field.LAST_NAME: "Doe",
        Field.DOB: "04/12",
        Field.LICENSING_STATE: "CA",
        Field.LICENSE_OR_NPI: "A123456",
        Field.CREDITS: "2.5",
        Field.CREDIT_TYPE: "AMA PRA Category 1",
        Field.PERMISSION: "Yes",
        Field.PERMISSION_SCOPE: "year",
    }
    base.update({Field(key): value for key, value in values.items()})
    return base


def xlsx_bytes(rows: Iterable[dict], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append([values.get(field, None) for field in Field])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[dict], header: list[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(field, "") for field in Field])
    return buffer.getvalue().encode("utf-8")


def xml_bytes(rows: Iterable[dict]) -> bytes:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<CompletionBatch xmlns="{XML_NAMESPACE}">']
    for values in rows:
        parts.append("<Completion>")
        for field, value in values.items():
            if value not in (None, ""):
                name = XML_ELEMENTS[field]
                parts.append(f"<{name}>{escape(str(value))}</{name}>")
        parts.append("</Completion>")
    parts.append("</CompletionBatch>")
    return "".join(parts).encode("utf-8")


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
_SHARED_STRINGS_RELATIONSHIP = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)


_ONE_CHARACTER = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"


def xlsx_with_many_shared_strings(rows: Iterable[dict], extra_strings: int) -> bytes:
    """An honest-looking .xlsx (``rows`` as ``xlsx_bytes`` writes them, in inline strings)
    with a shared-strings part of ``extra_strings`` one-character strings, each one of 32
    letters at random, so it compresses like real text (about 15 to 1) and passes the
    bomb checks. 5,000,000 of them make a 5.6 MB file (issue 20)."""
    import random
    import zipfile

    rng = random.Random(20)
    strings = "".join(f"<si><t>{rng.choice(_ONE_CHARACTER)}</t></si>" for _ in range(extra_strings))
    shared = (
        f'<sst xmlns="{_MAIN}" count="{extra_strings}" uniqueCount="{extra_strings}">'
        f"{strings}</sst>"
    ).encode()
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                    + _SHARED_STRINGS_TYPE.encode()
                    + b'"/></Types>',
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Type="'
                    + _SHARED_STRINGS_RELATIONSHIP.encode()
                    + b'" Target="sharedStrings.xml" Id="rId99"/></Relationships>',
                )
            target.writestr(item.filename, content)
        target.writestr("xl/sharedStrings.xml", shared)
    return buffer.getvalue()


MEDBIQ_NS = "http://ns.medbiq.org/activityreport/v2/"


def _xsd_date(text: str) -> str:
    """MM/DD/YYYY (as the rows give it) as an xsd:date; anything else as it is."""
    parts = str(text).split("/")
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        return f"{parts[2]}-{int(parts[0]):02d}-{int(parts[1]):02d}"
    return str(text)


def medbiq_report(values: dict, *, domain: str | None = None, birth_year: str = "1900") -> str:
    """One ActivityReport for one row's values, the way PARS-style systems write them."""
    get = {Field(k): v for k, v in values.items()}.get
    identifier = str(get(Field.LICENSE_OR_NPI) or "")
    if domain is None:
        is_npi = identifier.isdigit() and len(identifier) == 10
        domain = (
            "idd:cms.gov:npi" if is_npi else f"idd:accme.org:{get(Field.LICENSING_STATE) or ''}"
        )
    dob = str(get(Field.DOB) or "")
    month, _, day = dob.partition("/")
    birth = f"{birth_year}-{month.zfill(2)}-{day.zfill(2)}" if day else dob
    credits = escape(str(get(Field.CREDITS) or ""))
    credit_type = escape(str(get(Field.CREDIT_TYPE) or ""))
    action = get(Field.ACTION)
    extension = (
        f"<XtensibleInfo><x:LearnerRecordAction xmlns:x='urn:example:pars'>{escape(str(action))}"
        "</x:LearnerRecordAction></XtensibleInfo>"
        if action
        else ""
    )
    return (
        "<ActivityReport><ReportingOrganization>Provider</ReportingOrganization>"
        "<m:Member xmlns:m='http://ns.medbiq.org/member/v2/' xmlns:n='http://ns.medbiq.org/name/v2/'>"
        f"<m:UniqueID domain='{escape(domain)}'>{escape(identifier)}</m:UniqueID>"
        f"<m:Name><n:GivenName>{escape(str(get(Field.FIRST_NAME) or ''))}</n:GivenName>"
        f"<n:FamilyName>{escape(str(get(Field.LAST_NAME) or ''))}</n:FamilyName></m:Name>"
        f"<m:PersonalInfo><m:BirthDate accuracy='DayMonth'>{escape(birth)}</m:BirthDate>"
        "</m:PersonalInfo></m:Member>"
        "<Activity><ProviderOrganization>Provider</ProviderOrganization>"
        "<ActivityName>Activity</ActivityName><Module>"
        f"<ModuleName moduleID='{escape(str(get(Field.ACTIVITY_ID) or ''))}'>Module</ModuleName>"
        f"<CompletedDateTime>{escape(_xsd_date(get(Field.COMPLETION_DATE) or ''))}T12:00:00"
        "</CompletedDateTime><CreditCertificate>"
        "<CreditReceived xmlns:hx='http://ns.medbiq.org/lom/extend/v1/'>"
        f"<hx:activityCertification>{credit_type}</hx:activityCertification>"
        "<hx:creditType>CME</hx:creditType>"
        f"<hx:numberOfCredits>{credits}</hx:numberOfCredits></CreditReceived>"
        "<CreditID>urn:credit:1</CreditID></CreditCertificate></Module></Activity>"
        f"{extension}</ActivityReport>"
    )


def medbiq_bytes(rows: Iterable[dict], reports: Iterable[str] = (), prolog: str = "") -> bytes:
    """A MedBiquitous ActivityReports file: one report per row (then ``reports`` as
    written)."""
    body = "".join([*(medbiq_report(values) for values in rows), *reports])
    return (
        f"<?xml version='1.0' encoding='UTF-8'?>{prolog}"
        f"<ActivityReports xmlns='{MEDBIQ_NS}'><DateTimeCreated>2026-01-01T00:00:00"
        "</DateTimeCreated><ReportingStartDate>2026-01-01</ReportingStartDate>"
        f"<ReportingEndDate>2026-12-31</ReportingEndDate>{body}</ActivityReports>"
    ).encode()
