"""MedBiquitous ActivityReport v2: the learner reports PARS and the certifying boards take,
read into the same ``RawRecord``s as every other way in.

A file is one ``ActivityReports`` (namespace ``ACTIVITY_REPORT_NS``); each
``ActivityReport`` is one learner (``Member``) and the activities they took; each
``Activity/Module`` they completed is one record, numbered from 1 in file order. Only the
parts Passport reads are checked here, in Python and per record, so that a problem names
the record and the element instead of failing the whole file (the published schema also
imports other schemas over the network, which Passport never fetches). What each element
means is in the README ("MedBiquitous ActivityReport XML").

Streamed like Passport's own XML: lxml ``iterparse`` with ``SAFE_XML_PARSING`` hands over
one ``ActivityReport`` at a time, which is dropped once read; a DTD of any kind is refused
before anything is expanded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from passport.reporting.records import Field, RawRecord
from passport.reporting.xml_safety import SAFE_XML_PARSING

ACTIVITY_REPORT_NS = "http://ns.medbiq.org/activityreport/v2/"
_REPORT = f"{{{ACTIVITY_REPORT_NS}}}ActivityReport"
_ROOT = f"{{{ACTIVITY_REPORT_NS}}}ActivityReports"
# Credit "types" of the healthcare LOM that say only the kind of credit, not which: the
# board's credit type then defaults as a blank Credit Type column does.
_GENERIC_CREDIT_KINDS = {"cme", "ce", "cne", "cpe", "ches", "cpd"}
_STATE = re.compile(r"^[A-Za-z]{2}$")
_XSD_DATE = re.compile(r"^\s*(?:(-?\d{4,})|-)-(\d{2})-(\d{2})")
_ACTIONS = {"add": "Add", "new": "Add", "update": "Add", "delete": "Delete", "remove": "Delete"}
_PARTIAL_ACCURACY = {"Year", "MonthYear"}


class MedbiqRefused(Exception):
    """The file as a whole is not a MedBiquitous ActivityReports document Passport reads."""


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _child(element, name: str):
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def identifier_kind(domain: str) -> tuple[str, str | None] | None:
    """What a ``UniqueID`` domain (``idd:<issuer>:<kind>``) says the identifier is:
    ``("npi", None)``, ``("license", "CA")``, or None for any other kind (a provider's own
    learner number, say). Forgiving: case, extra parts (``idd:accme.org:license:CA``)."""
    parts = [part.strip() for part in domain.strip().split(":")]
    if len(parts) < 3 or parts[0].lower() != "idd":
        return None
    kinds = [part for part in parts[2:] if part]
    if any(kind.lower() == "npi" for kind in kinds):
        return "npi", None
    if kinds and _STATE.match(kinds[-1]):
        return "license", kinds[-1].upper()
    return None


def _learner(member, values: dict[Field, Any], notes: list[tuple[Field, str]]) -> None:
    """The learner's identifier, name and birth month and day, from ``Member``."""
    licenses, npis, others = [], [], []
    for unique in _children(member, "UniqueID"):
        kind = identifier_kind(unique.get("domain") or "")
        number = _text(unique)
        if kind is None:
            others.append(unique.get("domain") or "(no domain)")
        elif kind[0] == "npi":
            npis.append(number)
        else:
            licenses.append((kind[1], number))
    if licenses:  # a state licence names the board; an NPI is the fallback
        values[Field.LICENSING_STATE], values[Field.LICENSE_OR_NPI] = licenses[0]
    elif npis:
        values[Field.LICENSE_OR_NPI] = npis[0]
    elif others:
        notes.append(
            (
                Field.LICENSE_OR_NPI,
                "No UniqueID with a license or NPI domain (found "
                + ", ".join(others[:3])
                + "); use e.g. idd:accme.org:CA for a California license or "
                "idd:accme.org:NPI for an NPI.",
            )
        )
    name = _child(member, "Name")
    if name is not None:
        values[Field.FIRST_NAME] = _text(_child(name, "GivenName"))
        values[Field.LAST_NAME] = _text(_child(name, "FamilyName"))
    personal = _child(member, "PersonalInfo")
    birth = _child(personal, "BirthDate") if personal is not None else None
    if birth is not None:
        values[Field.DOB] = _month_and_day(_text(birth))
        if birth.get("accuracy") in _PARTIAL_ACCURACY:
            notes.append(
                (
                    Field.DOB,
                    "The accuracy must be DayMonth or DayMonthYear: Passport needs the month "
                    "and day of birth.",
                )
            )


def _month_and_day(text: str) -> str:
    """An ``xsd:date`` (or ``--MM-DD``) as ``MM/DD``: the year is never kept, not even in
    the values shown for a rejected record."""
    match = _XSD_DATE.match(text)
    if match:
        return f"{match.group(2)}/{match.group(3)}"
    return re.sub(r"\d{4,}", "YYYY", text)[:20]


def _completed_on(text: str) -> str:
    """``CompletedDateTime``: the calendar day as written (a date-time without a zone is
    that day; with a zone, the sender's own day)."""
    return text.partition("T")[0].strip() if "T" in text else text


def _credit(module, values: dict[Field, Any], notes: list[tuple[Field, str]]) -> None:
    certificates = _children(module, "CreditCertificate")
    if len(certificates) > 1:
        notes.append(
            (Field.CREDITS, "More than one CreditCertificate: send one Module per credit type.")
        )
    received = _child(certificates[0], "CreditReceived") if certificates else None
    if received is None:
        return
    values[Field.CREDITS] = _text(_child(received, "numberOfCredits"))
    certification = _text(_child(received, "activityCertification"))
    kind = _text(_child(received, "creditType"))
    if certification:
        values[Field.CREDIT_TYPE] = certification
    elif kind and kind.lower() not in _GENERIC_CREDIT_KINDS:
        values[Field.CREDIT_TYPE] = kind


def _extensions(report) -> dict[Field, Any]:
    """Add or delete (``LearnerRecordAction``) and the learner's permission, from the
    report's ``XtensibleInfo`` in whatever namespace they come."""
    found: dict[Field, Any] = {}
    info = _child(report, "XtensibleInfo")
    if info is None:
        return found
    for element in info.iter():
        name = _local(element.tag)
        if name == "LearnerRecordAction":
            text = _text(element)
            found[Field.ACTION] = _ACTIONS.get(text.lower(), text)
        elif name == "PermissionToReport":
            found[Field.PERMISSION] = _text(element)
        elif name == "PermissionScope":
            found[Field.PERMISSION_SCOPE] = _text(element)
    return found


def report_records(report, first_number: int) -> list[RawRecord]:
    """The records of one ``ActivityReport``: one per completed ``Activity/Module``."""
    learner: dict[Field, Any] = {}
    learner_notes: list[tuple[Field, str]] = []
    member = _child(report, "Member")
    if member is None:
        learner_notes.append((Field.LICENSE_OR_NPI, "The ActivityReport has no Member."))
    else:
        _learner(member, learner, learner_notes)
    learner.update(_extensions(report))
    records = []
    for activity in _children(report, "Activity"):
        for module in _children(activity, "Module"):
            values = dict(learner)
            notes = list(learner_notes)
            module_name = _child(module, "ModuleName")
            code = (module_name.get("moduleID") if module_name is not None else None) or (
                activity.get("activityID")
            )
            if code:
                values[Field.ACTIVITY_ID] = code.strip()
            completed = _text(_child(module, "CompletedDateTime"))
            if completed:
                values[Field.COMPLETION_DATE] = _completed_on(completed)
            _credit(module, values, notes)
            values = {field: value for field, value in values.items() if value not in (None, "")}
            records.append(RawRecord(first_number + len(records), values, tuple(notes)))
    if not records:
        records.append(
            RawRecord(
                first_number,
                learner,
                (*learner_notes, (Field.ACTIVITY_ID, "The ActivityReport has no Activity/Module.")),
            )
        )
    return records


def iter_reports(handle, check_document) -> Iterator[Any]:
    """Each ``ActivityReport`` element, parsed safely and dropped after use;
    ``check_document(tree)`` runs before the first is handed over."""
    context = etree.iterparse(handle, events=("end",), tag=_REPORT, **SAFE_XML_PARSING)
    seen = False
    for _event, report in context:
        if not seen:
            check_document(report.getroottree())
            seen = True
        yield report
        report.clear(keep_tail=False)
        parent = report.getparent()
        while (previous := report.getprevious()) is not None:
            parent.remove(previous)
    if not seen and context.root is not None:
        check_document(context.root.getroottree())


def check_root(tree) -> None:
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise MedbiqRefused("XML files with a DTD (DOCTYPE) are refused.")
    if tree.getroot().tag != _ROOT:
        raise MedbiqRefused(
            f"The root element must be ActivityReports in namespace {ACTIVITY_REPORT_NS}."
        )


def read_records(path: Path, max_records: int) -> Iterator[RawRecord]:
    """Every record of a MedBiquitous file, in order; raises ``MedbiqRefused`` for the
    file as a whole, ``etree.XMLSyntaxError`` when it is not well-formed XML."""
    number = 1
    with open(path, "rb") as handle:
        for report in iter_reports(handle, check_root):
            for record in report_records(report, number):
                if record.row_number > max_records:
                    raise MedbiqRefused(
                        f"The file has more than {max_records:,} records. Split it into "
                        "smaller files."
                    )
                yield record
            number = record.row_number + 1
