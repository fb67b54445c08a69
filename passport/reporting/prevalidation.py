"""Pre-validation: check a list of learners against the roster before reporting, row by
row, as ACCME's learner-validation tool allows. No learner is stored; the identities
tried are counted like any other (``identity_guard``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path

from sqlalchemy.orm import Session

from passport.reporting.identity_guard import guarded_match
from passport.reporting.parsers import READERS
from passport.reporting.pipeline import load_validation_context
from passport.reporting.records import COLUMN_TITLES, IDENTITY_FIELDS, Field, RawRecord
from passport.reporting.validation import Identity, RowError, validate_identity

MAX_LEARNERS = 10_000


@dataclass(frozen=True)
class LearnerCheck:
    row_number: int
    name: str
    identifier: str
    errors: list[RowError]
    match_reason: str | None
    matched: bool

    @property
    def problems(self) -> str:
        return "; ".join(f"{COLUMN_TITLES[e.field]}: {e.message}" for e in self.errors)


def prevalidate_records(
    session: Session,
    records: list[RawRecord],
    today: date,
    provider_id: int,
    actor_user_id: int | None = None,
) -> list[LearnerCheck]:
    """Each learner's check, in order. Nothing of the learners is stored, but the guard
    counts the identities tried (``identity_guard``): the caller commits."""
    context = load_validation_context(session, provider_id, today, None)
    checked: list[tuple[RawRecord, Identity | None, list[RowError]]] = []
    for record in records:
        errors: list[RowError] = []
        checked.append((record, validate_identity(record, context, errors), errors))
    valid = [identity for _, identity, _ in checked if identity is not None]
    matches = iter(guarded_match(session, provider_id, valid, actor_user_id=actor_user_id))
    results = []
    for record, identity, errors in checked:
        match = next(matches) if identity is not None else None
        results.append(
            LearnerCheck(
                row_number=record.row_number,
                name=" ".join(
                    str(record.get(field) or "") for field in (Field.FIRST_NAME, Field.LAST_NAME)
                ).strip(),
                identifier=str(record.get(Field.LICENSE_OR_NPI) or ""),
                errors=errors,
                match_reason=match.reason if match else None,
                matched=bool(match and match.licensee_id),
            )
        )
    return results


def prevalidate_file(
    session: Session,
    path: Path,
    method: str,
    today: date,
    provider_id: int,
    actor_user_id: int | None = None,
) -> list[LearnerCheck]:
    """Check the first ``MAX_LEARNERS`` learners of an .xlsx or .csv list."""
    records = list(islice(READERS[method](path, IDENTITY_FIELDS), MAX_LEARNERS))
    return prevalidate_records(session, records, today, provider_id, actor_user_id)
