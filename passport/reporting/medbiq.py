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


def _identifier(uniques: list[tuple[str, str]], values: dict, notes: list) -> None:
    """The learner's license (which names the board) or, failing one, NPI, from the
    Member's ``UniqueID``s (domain, text)."""
    licenses, npis, others = [], [], []
    for domain, number in uniques:
        kind = identifier_kind(domain)
        if kind is None:
            others.append(domain or "(no domain)")
        elif kind[0] == "npi":
            npis.append(number)
        else:
            licenses.append((kind[1], number))
    if licenses:
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


def _credit_type(certification: str, kind: str) -> str:
    """``activityCertification`` (e.g. AMA PRA Category 1 Credit), else a ``creditType``
    that names one; the LOM's generic kinds (CME, CE, ...) leave it blank (the default)."""
    if certification:
        return certification
    return kind if kind and kind.lower() not in _GENERIC_CREDIT_KINDS else ""


class _Report:
    """What one ``ActivityReport`` said so far, as its elements end (``_EVENTS``)."""

    __slots__ = ("learner", "notes", "uniques", "modules", "module", "member")

    def __init__(self) -> None:
        self.learner: dict[Field, Any] = {}
        self.notes: list[tuple[Field, str]] = []
        self.uniques: list[tuple[str, str]] = []
        self.modules: list[tuple[dict[Field, Any], list]] = []
        self.module: dict[str, Any] = {}
        self.member = False

    def end_module(self, element) -> None:
        found, self.module = self.module, {}
        values: dict[Field, Any] = {}
        notes: list[tuple[Field, str]] = []
        code = found.get("code") or (element.getparent().get("activityID") or "")
        if code.strip():
            values[Field.ACTIVITY_ID] = code.strip()
        if found.get("completed"):
            values[Field.COMPLETION_DATE] = _completed_on(found["completed"])
        if found.get("certificates", 0) > 1:
            notes.append(
                (Field.CREDITS, "More than one CreditCertificate: send one Module per credit type.")
            )
        if found.get("credits"):
            values[Field.CREDITS] = found["credits"]
        credit_type = _credit_type(found.get("certification", ""), found.get("kind", ""))
        if credit_type:
            values[Field.CREDIT_TYPE] = credit_type
        self.modules.append((values, notes))

    def records(self, first_number: int) -> list[RawRecord]:
        learner, notes = self.learner, self.notes
        if not self.member:
            notes.append((Field.LICENSE_OR_NPI, "The ActivityReport has no Member."))
        _identifier(self.uniques, learner, notes)
        if not self.modules:
            notes.append((Field.ACTIVITY_ID, "The ActivityReport has no Activity/Module."))
            return [RawRecord(first_number, learner, tuple(notes))]
        return [
            RawRecord(
                first_number + index,
                {k: v for k, v in {**learner, **values}.items() if v not in (None, "")},
                (*notes, *module_notes),
            )
            for index, (values, module_notes) in enumerate(self.modules)
        ]


def _on_leaf(report: _Report, name: str, element) -> None:
    """One element Passport reads has ended: note what it says."""
    module = report.module
    if name == "UniqueID":
        if _local(element.getparent().tag) == "Member":
            report.uniques.append((element.get("domain") or "", _text(element)))
    elif name == "GivenName":
        report.learner.setdefault(Field.FIRST_NAME, _text(element))
    elif name == "FamilyName":
        report.learner.setdefault(Field.LAST_NAME, _text(element))
    elif name == "BirthDate":
        if Field.DOB not in report.learner:
            report.learner[Field.DOB] = _month_and_day(_text(element))
            if element.get("accuracy") in _PARTIAL_ACCURACY:
                report.notes.append(
                    (
                        Field.DOB,
                        "The accuracy must be DayMonth or DayMonthYear: Passport needs the "
                        "month and day of birth.",
                    )
                )
    elif name == "ModuleName":
        module["code"] = element.get("moduleID") or ""
    elif name == "CompletedDateTime":
        module.setdefault("completed", _text(element))
    elif name == "CreditCertificate":
        module["certificates"] = module.get("certificates", 0) + 1
    elif name == "numberOfCredits":
        module.setdefault("credits", _text(element))
    elif name == "activityCertification":
        module.setdefault("certification", _text(element))
    elif name == "creditType":
        module.setdefault("kind", _text(element))
    elif name == "LearnerRecordAction":
        text = _text(element)
        report.learner[Field.ACTION] = _ACTIONS.get(text.lower(), text)
    elif name == "PermissionToReport":
        report.learner[Field.PERMISSION] = _text(element)
    elif name == "PermissionScope":
        report.learner[Field.PERMISSION_SCOPE] = _text(element)


_LEAVES = (
    "UniqueID",
    "GivenName",
    "FamilyName",
    "BirthDate",
    "ModuleName",
    "CompletedDateTime",
    "CreditCertificate",
    "numberOfCredits",
    "activityCertification",
    "creditType",
    "LearnerRecordAction",
    "PermissionToReport",
    "PermissionScope",
)
# Only these elements' ends reach Python, in any namespace ("{*}"): lxml filters the
# rest in C, so a record costs a dozen short steps rather than a walk of its tree.
_EVENTS = (*(f"{{*}}{name}" for name in _LEAVES), "{*}Module", "{*}Member", _REPORT)


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
    report = _Report()
    with open(path, "rb") as handle:
        context = etree.iterparse(handle, events=("end",), tag=_EVENTS, **SAFE_XML_PARSING)
        checked = False
        for _event, element in context:
            if not checked:
                check_root(element.getroottree())
                checked = True
            tag = element.tag
            if tag == _REPORT:
                for record in report.records(number):
                    if record.row_number > max_records:
                        raise MedbiqRefused(
                            f"The file has more than {max_records:,} records. Split it into "
                            "smaller files."
                        )
                    yield record
                number = record.row_number + 1
                report = _Report()
                element.clear(keep_tail=False)
                parent = element.getparent()
                while (previous := element.getprevious()) is not None:
                    parent.remove(previous)
                continue
            name = tag.rpartition("}")[2]
            if name == "Module":
                report.end_module(element)
            elif name == "Member":
                report.member = True
            else:
                _on_leaf(report, name, element)
        if not checked and context.root is not None:
            check_root(context.root.getroottree())
