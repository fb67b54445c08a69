"""Roster import: a board's licensees from .csv or .xlsx, upserted by licence number.

Every row is checked (all of its errors at once); valid rows are created or updated in
bulk, unchanged rows are left alone, so the same file twice changes nothing. A full roster
marks licensees missing from the file inactive (never deleted). Afterwards unmatched
completions are matched again, since the roster changed.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.bulk import stage_keys
from passport.compliance.on_file import on_file_rules, record_from_roster
from passport.reporting.parsers import MAX_ROWS, FileRefused, xlsx_sheet_rows
from passport.reporting.services import rematch_unmatched
from passport.reporting.validation import fold, parse_date, parse_dob
from passport.roster.identifiers import normalise_license_number, npi_is_valid
from passport.roster.models import Board, Licensee
from passport.roster.requirement_sets import requirement_set_of
from passport.trail.services import record_event, record_events

COLUMNS = {
    "licensenumber": "license_number",
    "licenseno": "license_number",
    "licensingid": "license_number",
    "firstname": "first_name",
    "lastname": "last_name",
    "dateofbirthmmdd": "dob",
    "dateofbirth": "dob",
    "dob": "dob",
    "dobmmdd": "dob",
    "birthdate": "dob",
    "licensetype": "license_type",
    "firstissued": "first_issued_on",
    "firstissuedon": "first_issued_on",
    "firstissuedate": "first_issued_on",
    "originalissuedate": "first_issued_on",
    "issuedate": "first_issued_on",
    "expires": "expires_on",
    "expireson": "expires_on",
    "expiration": "expires_on",
    "expirationdate": "expires_on",
    "expirydate": "expires_on",
    "status": "status",
    "licensestatus": "status",
    "specialty": "specialty",
    "npi": "npi",
    "email": "email",
    "emailaddr": "email",
    "emailaddress": "email",
    "licenseeemail": "email",
    "attests25ofpatientsaged65orover": "attests_geriatric_patients",
    "over25percentpatients65": "attests_geriatric_patients",
    "geriatricattestation": "attests_geriatric_patients",
    "geriatricover25pct": "attests_geriatric_patients",
    "geriatricover25percent": "attests_geriatric_patients",
    "attestsgeriatricpatients": "attests_geriatric_patients",
    "cmewaiver": "cme_waiver_on_file",
    "waiveronfile": "cme_waiver_on_file",
}
REQUIRED = ("license_number", "first_name", "last_name", "dob", "first_issued_on", "expires_on")
TITLES = {
    "license_number": "License Number",
    "license_type": "License Type",
    "specialty": "Specialty",
    "first_name": "First Name",
    "last_name": "Last Name",
    "dob": "Date of Birth (MM/DD)",
    "first_issued_on": "First Issued",
    "expires_on": "Expires",
    "status": "Status",
    "npi": "NPI",
    "email": "E-mail",
    "attests_geriatric_patients": "Attests 25% of patients aged 65 or over",
    "cme_waiver_on_file": "CME Waiver",
}
STATUSES = ("active", "inactive", "expired", "suspended", "revoked", "retired")
_COMPARED = (
    "first_name",
    "last_name",
    "dob_month",
    "dob_day",
    "license_type",
    "first_issued_on",
    "expires_on",
    "status",
    "specialty",
    "npi",
    "email",
    "attests_geriatric_patients",
    "cme_waiver_on_file",
    "on_latest_roster",
)
_HEADER_NOISE = re.compile(r"[^a-z0-9]")
# The roster's addresses are the board's data: checked for shape only, never for delivery.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class RosterRowOutcome:
    row_number: int
    license_number: str
    outcome: str  # created, updated, unchanged, rejected
    errors: tuple[tuple[str, str], ...] = ()  # (column title, reason)


@dataclass
class RosterImportResult:
    rows: list[RosterRowOutcome] = field(default_factory=list)
    deactivated: int = 0
    rematched: int = 0

    @property
    def counts(self) -> Counter:
        return Counter(row.outcome for row in self.rows)

    @property
    def rejected(self) -> list[RosterRowOutcome]:
        return [row for row in self.rows if row.outcome == "rejected"]


ON_FILE_PREFIX = "on_file:"


def on_file_rule_ids(board: Board) -> list[str]:
    """The board's one-time rules a roster column can say were met ("Pain satisfied on")."""
    return [rule_id for rule_id, _ in on_file_rules(requirement_set_of(board))]


def field_for_title(title: Any, on_file_rule_ids: Iterable[str] = ()) -> str | None:
    """The roster field a header cell names, forgiving case, spaces and punctuation. A
    column "<rule id> satisfied on" (e.g. "Pain satisfied on") gives the date the board
    knows a one-time requirement was met: the field ``on_file:<rule id>``."""
    name = _HEADER_NOISE.sub("", str(title or "").lower())
    if name in COLUMNS:
        return COLUMNS[name]
    for rule_id in on_file_rule_ids:
        key = _HEADER_NOISE.sub("", rule_id.lower())
        if name in (f"{key}satisfiedon", f"{key}satisfied", f"satisfied{key}"):
            return ON_FILE_PREFIX + rule_id
    return None


def _header(cells: list[Any], on_file_rule_ids: Iterable[str] = ()) -> list[str | None]:
    return [field_for_title(cell, on_file_rule_ids) for cell in cells]


def read_titles(path: Path, method: str) -> list[str]:
    """The file's header row, as written (blank cells as "")."""
    rows = _xlsx_rows(path) if method == "xlsx" else _csv_rows(path)
    return ["" if cell is None else str(cell).strip() for cell in next(rows, [])]


def read_roster(
    path: Path,
    method: str,
    fields: list[str | None] | None = None,
    on_file_rule_ids: Iterable[str] = (),
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, values by field) for each non-empty row; header is row 1. ``fields``
    (one per column, None to ignore it) replaces the header's own mapping: the board's
    choices for columns Passport did not know."""
    rows = _xlsx_rows(path) if method == "xlsx" else _csv_rows(path)
    header = _header(next(rows, []), on_file_rule_ids)
    if fields is not None:
        header = list(fields) + [None] * (len(header) - len(fields))
    missing = [TITLES[name] for name in REQUIRED if name not in header]
    if missing:
        raise FileRefused(f"The header row lacks: {', '.join(missing)}.")
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise FileRefused(f"The file has more than {MAX_ROWS:,} rows.")
        values = {name: value for name, value in zip(header, row, strict=False) if name}
        if any(str(value).strip() for value in values.values() if value is not None):
            yield number, values


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        yield from csv.reader(handle)


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    """Checked, and read in bounded memory whatever its shared strings (the upload's
    reader)."""
    yield from xlsx_sheet_rows(path)


def _yes(value: Any) -> bool | None:
    text = fold(str(value if value is not None else ""))
    if text in ("", "no", "n", "false", "0"):
        return False
    if text in ("yes", "y", "true", "1", "x"):
        return True
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def check_row(values: dict[str, Any], pattern: re.Pattern) -> tuple[dict | None, list]:
    """The licensee's values, or the row's errors as (column title, reason)."""
    errors: list[tuple[str, str]] = []
    license_number = normalise_license_number(_text(values.get("license_number")))
    if not license_number:
        errors.append((TITLES["license_number"], "Required."))
    elif not pattern.fullmatch(license_number):
        errors.append((TITLES["license_number"], "Not in this board's licence number format."))
    for name in ("first_name", "last_name"):
        if not _text(values.get(name)):
            errors.append((TITLES[name], "Required."))
    dob = parse_dob(values.get("dob"))
    if dob is None:
        errors.append((TITLES["dob"], "Use MM/DD, a real calendar day."))
    dates = {}
    for name in ("first_issued_on", "expires_on"):
        dates[name] = parse_date(values.get(name))
        if dates[name] is None:
            errors.append((TITLES[name], "Use MM/DD/YYYY or YYYY-MM-DD."))
    if (
        dates["first_issued_on"]
        and dates["expires_on"]
        and dates["expires_on"] < dates["first_issued_on"]
    ):
        errors.append((TITLES["expires_on"], "The licence expires before it was issued."))
    status = fold(_text(values.get("status")) or "active")
    if status not in STATUSES:
        errors.append((TITLES["status"], f"Use one of: {', '.join(STATUSES)}."))
    npi = _text(values.get("npi")) or None
    if npi and not npi_is_valid(npi):
        errors.append((TITLES["npi"], "Not a valid 10-digit NPI."))
    email = _text(values.get("email")).lower() or None
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        errors.append((TITLES["email"], "Not an e-mail address."))
    flags = {}
    for name in ("attests_geriatric_patients", "cme_waiver_on_file"):
        flags[name] = _yes(values.get(name))
        if flags[name] is None:
            errors.append((TITLES[name], "Use Yes or No."))
    if errors:
        return None, errors
    return {
        "license_number": license_number,
        "first_name": _text(values["first_name"])[:100],
        "last_name": _text(values["last_name"])[:100],
        "dob_month": dob[0],
        "dob_day": dob[1],
        "license_type": _text(values.get("license_type"))[:40] or "Physician and Surgeon",
        "first_issued_on": dates["first_issued_on"],
        "expires_on": dates["expires_on"],
        "status": status,
        "specialty": _text(values.get("specialty"))[:100] or None,
        "npi": npi,
        "email": email,
        "on_latest_roster": True,
        **flags,
    }, []


def _existing(session: Session, board_id: int) -> dict[str, tuple]:
    columns = [getattr(Licensee, name) for name in _COMPARED]
    return {
        row[0]: row[1:]
        for row in session.execute(
            sa.select(Licensee.license_number, Licensee.id, *columns).where(
                Licensee.board_id == board_id
            )
        )
    }


def import_roster(
    session: Session,
    *,
    board: Board,
    user_id: int,
    path: Path,
    method: str,
    full_roster: bool,
    fields: list[str | None] | None = None,
    today: date | None = None,
    ip_address: str | None = None,
) -> RosterImportResult:
    """Upsert the file's licensees in the caller's transaction; see the module docstring.
    ``fields`` is the column mapping the board confirmed (``read_roster``)."""
    pattern = re.compile(board.license_pattern)
    existing = _existing(session, board.id)
    result = RosterImportResult()
    inserts, updates, seen = [], [], set()
    on_file_ids = on_file_rule_ids(board)
    satisfied: dict[str, dict[str, date]] = {}
    for number, values in read_roster(path, method, fields, on_file_ids):
        licensee, errors = check_row(values, pattern)
        met = _satisfied_dates(values, errors)
        raw_number = normalise_license_number(_text(values.get("license_number")))
        if licensee and licensee["license_number"] in seen:
            errors = [(TITLES["license_number"], "This licence number is already in the file.")]
        seen.add(raw_number)
        if errors:
            result.rows.append(RosterRowOutcome(number, raw_number, "rejected", tuple(errors)))
            continue
        if met:
            satisfied[licensee["license_number"]] = met
        current = existing.get(licensee["license_number"])
        if current is None:
            inserts.append({"board_id": board.id, **licensee})
            outcome = "created"
        elif tuple(current[1:]) != tuple(licensee[name] for name in _COMPARED):
            updates.append({"id": current[0], **licensee})
            outcome = "updated"
        else:
            outcome = "unchanged"
        result.rows.append(RosterRowOutcome(number, licensee["license_number"], outcome))
    created_ids: dict[str, int] = {}
    if inserts:  # RETURNING: the new ids, for the audit trail, without reading the roster again
        created_ids = dict(
            session.execute(
                sa.insert(Licensee).returning(Licensee.license_number, Licensee.id), inserts
            ).all()
        )
    if updates:
        session.execute(sa.update(Licensee), updates)
    deactivated_ids = _deactivate_missing(session, board.id, seen) if full_roster else []
    result.deactivated = len(deactivated_ids)
    _record_roster_changes(session, user_id, ip_address, created_ids, updates, deactivated_ids)
    for license_number, dates in satisfied.items():
        licensee_id = created_ids.get(license_number) or existing[license_number][0]
        for rule_id, met_on in dates.items():
            record_from_roster(
                session,
                actor_user_id=user_id,
                licensee_id=licensee_id,
                rule_id=rule_id,
                satisfied_on=met_on,
            )
    result.rematched = rematch_unmatched(session, board.id)
    record_event(
        session,
        actor_user_id=user_id,
        action="roster.imported",
        object_type="board",
        object_id=board.id,
        detail={**dict(result.counts), "deactivated": result.deactivated, "full": full_roster},
        ip_address=ip_address,
    )
    session.flush()
    return result


def _satisfied_dates(values: dict[str, Any], errors: list) -> dict[str, date]:
    """The "<rule> satisfied on" dates of a row, by rule id; a bad date is a row error."""
    found = {}
    for name, value in values.items():
        if not name.startswith(ON_FILE_PREFIX) or value in (None, ""):
            continue
        met_on = parse_date(value)
        if met_on is None:
            errors.append((f"{name.removeprefix(ON_FILE_PREFIX)} satisfied on", "Not a date."))
        else:
            found[name.removeprefix(ON_FILE_PREFIX)] = met_on
    return found


def _record_roster_changes(
    session: Session,
    user_id: int,
    ip_address: str | None,
    created_ids: dict[str, int],
    updates: list[dict],
    deactivated_ids: list[int],
) -> None:
    """One audit-trail entry per licensee created, updated or marked inactive, written in
    bulk."""
    for action, objects in (
        (
            "licensee.created",
            [(created_ids[n], {"license_number": n}) for n in sorted(created_ids)],
        ),
        (
            "licensee.updated",
            [(row["id"], {"license_number": row["license_number"]}) for row in updates],
        ),
        ("licensee.deactivated", [(licensee_id, None) for licensee_id in deactivated_ids]),
    ):
        record_events(
            session,
            actor_user_id=user_id,
            action=action,
            object_type="licensee",
            objects=objects,
            ip_address=ip_address,
        )


def license_numbers(path: Path, method: str, fields: list[str | None] | None) -> set[str]:
    """Every license number in the file, normalised (for the full roster's preview)."""
    return {
        normalise_license_number(_text(values.get("license_number")))
        for _, values in read_roster(path, method, fields)
    } - {""}


def missing_from(
    session: Session, board_id: int, seen: set[str], limit: int = 20
) -> tuple[int, list[str]]:
    """How many of the board's current licensees a full roster without ``seen`` would mark
    inactive, and the first ``limit`` of their license numbers."""
    staged = stage_keys(
        session,
        [(number,) for number in sorted(seen)],
        "passport_roster_seen",
        "number VARCHAR(20)",
    )
    absent = sa.and_(
        Licensee.board_id == board_id,
        Licensee.on_latest_roster.is_(True),
        ~sa.exists(sa.select(staged.c.number).where(staged.c.number == Licensee.license_number)),
    )
    count = session.scalar(sa.select(sa.func.count()).select_from(Licensee).where(absent)) or 0
    sample = list(
        session.scalars(
            sa.select(Licensee.license_number)
            .where(absent)
            .order_by(Licensee.license_number)
            .limit(limit)
        )
    )
    return count, sample


def _deactivate_missing(session: Session, board_id: int, seen: set[str]) -> list[int]:
    """Mark licensees absent from a full roster inactive; return the ids that changed."""
    staged = stage_keys(
        session,
        [(number,) for number in sorted(seen)],
        "passport_roster_seen",
        "number VARCHAR(20)",
    )
    missing = sa.select(staged.c.number).where(staged.c.number == Licensee.license_number)
    changed = session.scalars(
        sa.update(Licensee)
        .where(
            Licensee.board_id == board_id,
            Licensee.on_latest_roster.is_(True),
            ~sa.exists(missing),
        )
        .values(on_latest_roster=False, status="inactive")
        .returning(Licensee.id)
        .execution_options(synchronize_session=False)
    )
    return list(changed)
