"""Activity operations: create, edit, and create or update many from an .xlsx file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.errors import Conflict, ValidationError
from passport.reporting.models import ACTIVITY_TYPES, Activity, CreditType, Topic
from passport.reporting.parsers import FileRefused, xlsx_sheet_rows
from passport.reporting.pipeline import credit_type_lookup
from passport.reporting.validation import (
    CREDITS_CEILING,
    QUARTER,
    fold,
    parse_credits,
    parse_date,
)
from passport.requirements.rules import requirement_sets
from passport.trail.services import record_event

ACTIVITY_COLUMNS = {
    "activityid": "activity_code",
    "title": "title",
    "activitytitle": "title",
    "type": "activity_type",
    "activitytype": "activity_type",
    "startdate": "starts_on",
    "enddate": "ends_on",
    "maximumcredits": "max_credits",
    "maxcredits": "max_credits",
    "credittypes": "credit_types",
    "topics": "topics",
}


class DuplicateActivityId(ValidationError, Conflict):
    """A field error on the form (a ``ValidationError``) and a clash with existing data (a
    ``Conflict``, which the web service answers with 409)."""


@dataclass(frozen=True)
class ActivityValues:
    activity_code: str
    title: str
    activity_type: str
    starts_on: date
    ends_on: date
    max_credits: Decimal
    credit_type_codes: list[str]
    topic_codes: list[str]
    declaration_codes: list[str] = dataclass_field(default_factory=list)


def check_activity_values(values: ActivityValues) -> list[tuple[str, str]]:
    """(field, message) for each problem; empty when the activity is valid."""
    problems = []
    if not values.activity_code.strip():
        problems.append(("activity_code", "Required."))
    if len(values.activity_code) > 50:
        problems.append(("activity_code", "At most 50 characters."))
    if not values.title.strip():
        problems.append(("title", "Required."))
    if values.activity_type not in ACTIVITY_TYPES:
        problems.append(("activity_type", "Unknown activity type."))
    if values.ends_on < values.starts_on:
        problems.append(("ends_on", "The end date is before the start date."))
    credits = values.max_credits  # any Decimal a form parses: "NaN" and "1E+30" too
    if not credits.is_finite() or not 0 < credits <= CREDITS_CEILING or credits % QUARTER:
        problems.append(
            (
                "max_credits",
                f"Must be more than 0 and at most {CREDITS_CEILING:,}, in quarter-hour steps.",
            )
        )
    if not values.credit_type_codes:
        problems.append(("credit_type_codes", "Choose at least one credit type."))
    return problems


def _apply(session: Session, activity: Activity, values: ActivityValues) -> None:
    activity.activity_code = values.activity_code.strip()
    activity.title = values.title.strip()
    activity.activity_type = values.activity_type
    activity.starts_on, activity.ends_on = values.starts_on, values.ends_on
    activity.max_credits = values.max_credits
    activity.credit_types = list(
        session.scalars(sa.select(CreditType).where(CreditType.code.in_(values.credit_type_codes)))
    )
    activity.topics = list(
        session.scalars(sa.select(Topic).where(Topic.code.in_(values.topic_codes)))
    )
    known = content_declaration_labels()
    activity.content_declarations = sorted(set(values.declaration_codes) & known.keys()) or None


def content_declaration_labels() -> dict[str, str]:
    """Every content declaration any board's rules ask providers about, with its label."""
    labels: dict[str, str] = {}
    for requirement_set in requirement_sets().values():
        for code, label in requirement_set.content_declarations:
            labels.setdefault(code, label)
    return labels


def activity_id_holder(session: Session, provider_id: int, activity_code: str) -> int | None:
    """The id of the provider's activity with this Activity ID, if any. Two requests can
    both pass this check at the same moment; the unique constraint then stops the second,
    and the app's error handler tells its user to retry (409)."""
    return session.scalar(
        sa.select(Activity.id).where(
            Activity.provider_id == provider_id, Activity.activity_code == activity_code
        )
    )


def save_activity(
    session: Session,
    *,
    provider_id: int,
    user_id: int,
    values: ActivityValues,
    activity: Activity | None = None,
    ip_address: str | None = None,
) -> Activity:
    """Create an activity, or update ``activity``; the Activity ID is unique per provider."""
    problems = check_activity_values(values)
    if problems:
        raise ValidationError(problems[0][1], problems[0][0])
    clash = activity_id_holder(session, provider_id, values.activity_code.strip())
    if clash is not None and (activity is None or clash != activity.id):
        raise DuplicateActivityId(
            "Another of your activities already has this Activity ID.", "activity_code"
        )
    created = activity is None
    if activity is None:
        activity = Activity(provider_id=provider_id)
        session.add(activity)
    _apply(session, activity, values)
    session.flush()
    record_event(
        session,
        actor_user_id=user_id,
        action="activity.created" if created else "activity.updated",
        object_type="activity",
        object_id=activity.id,
        ip_address=ip_address,
    )
    return activity


@dataclass
class ActivityImportRow:
    row_number: int
    outcome: str  # created, updated, rejected
    activity_code: str
    errors: list[tuple[str, str]]


def _lookup(session: Session, model: Any) -> dict[str, str]:
    table = {}
    for item in session.scalars(sa.select(model)):
        table[fold(item.code)] = item.code
        table[fold(item.name)] = item.code
    return table


def _codes(text: Any, table: dict[str, str], label: str, errors: list) -> list[str]:
    codes = []
    for part in str(text or "").replace(";", ",").split(","):
        if part.strip():
            code = table.get(fold(part))
            if code is None:
                errors.append((label, f"Unknown {label.replace('_', ' ')}: {part.strip()!r}."))
            else:
                codes.append(code)
    return codes


def import_activities(
    session: Session, *, provider_id: int, user_id: int, path: Path
) -> list[ActivityImportRow]:
    """Create or update activities from the first sheet of an .xlsx file (by Activity ID)."""
    rows = xlsx_sheet_rows(path)  # checked, and read in bounded memory
    try:
        header = [ACTIVITY_COLUMNS.get(fold(str(cell or ""))) for cell in next(rows, [])]
        needed = {"activity_code", "title", "activity_type", "starts_on", "ends_on", "max_credits"}
        if not needed <= set(header):
            raise FileRefused(
                "The header row needs: Activity ID, Title, Type, Start Date, End Date, "
                "Maximum Credits (and optionally Credit Types, Topics)."
            )
        return _import_rows(session, provider_id, user_id, header, rows)
    finally:
        rows.close()


def _import_rows(
    session, provider_id, user_id, header, rows: Iterable[list]
) -> list[ActivityImportRow]:
    credit_types, topics = credit_type_lookup(session), _lookup(session, Topic)
    type_lookup = {fold(code): code for code in ACTIVITY_TYPES} | {
        fold(label): code for code, label in ACTIVITY_TYPES.items()
    }
    existing = {
        a.activity_code: a
        for a in session.scalars(sa.select(Activity).where(Activity.provider_id == provider_id))
    }
    results = []
    for number, row in enumerate(rows, start=2):
        cells = {name: value for name, value in zip(header, row, strict=False) if name}
        if not any(str(v).strip() for v in cells.values() if v is not None):
            continue
        errors: list[tuple[str, str]] = []
        code = str(cells.get("activity_code") or "").strip()
        starts, ends = parse_date(cells.get("starts_on")), parse_date(cells.get("ends_on"))
        credits = parse_credits(cells.get("max_credits"))
        activity_type = type_lookup.get(fold(str(cells.get("activity_type") or "")))
        for field, value, message in (
            ("starts_on", starts, "Not a date."),
            ("ends_on", ends, "Not a date."),
            ("max_credits", credits, "Not a number."),
            ("activity_type", activity_type, "Unknown type."),
        ):
            if value is None:
                errors.append((field, message))
        credit_codes = _codes(
            cells.get("credit_types") or "AMA_PRA_1", credit_types, "credit_type", errors
        )
        topic_codes = _codes(cells.get("topics"), topics, "topic", errors)
        if not errors:
            values = ActivityValues(
                code,
                str(cells.get("title") or ""),
                activity_type,
                starts,
                ends,
                credits,
                credit_codes,
                topic_codes,
            )
            errors = check_activity_values(values)
        if errors:
            results.append(ActivityImportRow(number, "rejected", code, errors))
            continue
        activity = existing.get(code)
        outcome = "updated" if activity else "created"
        if activity is None:
            activity = existing[code] = Activity(provider_id=provider_id)
            session.add(activity)
        _apply(session, activity, values)
        results.append(ActivityImportRow(number, outcome, code, []))
    session.flush()
    record_event(
        session,
        actor_user_id=user_id,
        action="activity.imported",
        object_type="provider",
        object_id=provider_id,
        detail={
            "created": sum(r.outcome == "created" for r in results),
            "updated": sum(r.outcome == "updated" for r in results),
            "rejected": sum(r.outcome == "rejected" for r in results),
        },
    )
    return results
