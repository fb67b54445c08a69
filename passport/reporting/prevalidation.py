"""Pre-validation: check a list of learners against the roster before reporting, row by
row, as ACCME's learner-validation tool allows. No learner is stored; the identities
tried are counted like any other (``identity_guard``)."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path

from sqlalchemy.orm import Session

from passport.errors import Forbidden, NotFound
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


# Results are kept for the provider to filter and download (a token in the URL names a
# file under the upload folder; the provider's id in its name keeps it theirs).
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def keep_checks(directory: Path, provider_id: int, checks: list[LearnerCheck]) -> str:
    """Write the results of a check to ``directory``; returns the token naming them."""
    token = secrets.token_urlsafe(18)
    directory.mkdir(parents=True, exist_ok=True)
    payload = [
        {
            "row_number": c.row_number,
            "name": c.name,
            "identifier": c.identifier,
            "errors": [e.as_dict() for e in c.errors],
            "match_reason": c.match_reason,
            "matched": c.matched,
        }
        for c in checks
    ]
    (directory / f"{provider_id}-{token}.json").write_text(json.dumps(payload), encoding="utf-8")
    return token


def load_checks(directory: Path, provider_id: int, token: str) -> list[LearnerCheck]:
    """The kept results; ``NotFound`` for an unknown token, ``Forbidden`` for another
    provider's."""
    if not _TOKEN.match(token):
        raise NotFound("No such check.")
    path = directory / f"{provider_id}-{token}.json"
    if not path.exists():
        if any(directory.glob(f"*-{token}.json")):
            raise Forbidden("This check belongs to another provider.")
        raise NotFound("No such check (results are kept for a day).")
    return [
        LearnerCheck(
            row_number=entry["row_number"],
            name=entry["name"],
            identifier=entry["identifier"],
            errors=[RowError(Field(e["field"]), e["message"]) for e in entry["errors"]],
            match_reason=entry["match_reason"],
            matched=entry["matched"],
        )
        for entry in json.loads(path.read_text(encoding="utf-8"))
    ]
