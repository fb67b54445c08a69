"""The one pipeline every way of reporting feeds: records in, outcomes and stored
completions out.

``apply_records`` works in chunks: validate every row (all errors at once), look up the
existing completions of the chunk in one query, decide each row's outcome (created,
updated, unchanged, deleted, rejected), then match new and changed identities to the
roster and write completions and versions in a few bulk statements (``storing``). A row
that wrote a version is told by it; the others (rejected, unchanged) get an
``upload_rows`` entry (see ``outcomes``). It only flushes: the caller's single
transaction makes the upload all-or-nothing. Docs/benchmarks.md says what each step costs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.bulk import cyclic_gc_paused, insert_rows, stage_keys
from passport.db import utcnow
from passport.reporting.models import (
    Activity,
    Completion,
    ConsentBasis,
    CreditType,
    Upload,
    UploadRow,
    activity_credit_types,
)
from passport.reporting.records import Field, RawRecord
from passport.reporting.storing import RecordState, write_completions, write_versions
from passport.reporting.validation import (
    ActivityFacts,
    BoardFacts,
    RowError,
    ValidationContext,
    ValidRecord,
    fold,
    validate_record,
)
from passport.roster.models import Board

CHUNK_SIZE = 2000
_COMPARED = (
    "completed_on",
    "credits",
    "credit_type_code",
    "first_name",
    "last_name",
    "dob_month",
    "dob_day",
)


def load_validation_context(
    session: Session, provider_id: int, today: date, upload_consent: ConsentBasis | None
) -> ValidationContext:
    """Everything validation needs, read once per upload."""
    offered: dict[int, set[str]] = {}
    for activity_id, code in session.execute(
        sa.select(activity_credit_types.c.activity_id, activity_credit_types.c.credit_type_code)
        .join(Activity, Activity.id == activity_credit_types.c.activity_id)
        .where(Activity.provider_id == provider_id)
    ):
        offered.setdefault(activity_id, set()).add(code)
    activities = {
        row.activity_code: ActivityFacts(
            id=row.id,
            code=row.activity_code,
            title=row.title,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            max_credits=row.max_credits,
            credit_type_codes=frozenset(offered.get(row.id, ())),
        )
        for row in session.execute(
            sa.select(
                Activity.id,
                Activity.activity_code,
                Activity.title,
                Activity.starts_on,
                Activity.ends_on,
                Activity.max_credits,
            ).where(Activity.provider_id == provider_id)
        )
    }
    boards = tuple(
        BoardFacts(b.id, b.code, b.state, re.compile(b.license_pattern), b.license_example)
        for b in session.scalars(sa.select(Board).order_by(Board.code))
    )
    credit_types = credit_type_lookup(session)
    return ValidationContext(activities, boards, credit_types, today, upload_consent)


def credit_type_lookup(session: Session) -> dict[str, str]:
    """Folded code, name or common shorthand of each credit type → its code."""
    lookup: dict[str, str] = {}
    for credit_type in session.scalars(sa.select(CreditType)):
        lookup[fold(credit_type.code)] = credit_type.code
        lookup[fold(credit_type.name)] = credit_type.code
    # What people write for the common ones.
    for alias, code in (
        ("amapracategory1", "AMA_PRA_1"),
        ("category1", "AMA_PRA_1"),
        ("amapra1", "AMA_PRA_1"),
        ("aafp", "AAFP_PRESCRIBED"),
        ("aoa1a", "AOA_1A"),
        ("aoa1b", "AOA_1B"),
        ("aoacategory1a", "AOA_1A"),
        ("aoacategory1b", "AOA_1B"),
    ):
        lookup.setdefault(alias, code)
    return lookup


@dataclass
class ProblemTally:
    """The rejected rows' problems by field and reason: how many, the first rows, and the
    first distinct values sent, so that a file with one mistake in every row reads as one
    line with its count, not as thousands of identical rows."""

    EXAMPLES = 5
    entries: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def add(self, raw: RawRecord, errors: list[RowError]) -> None:
        for error in errors:
            key = (error.field.value, error.message)
            entry = self.entries.get(key)
            if entry is None:
                entry = self.entries[key] = {
                    "field": key[0],
                    "message": key[1],
                    "count": 0,
                    "rows": [],
                    "values": [],
                }
            entry["count"] += 1
            if len(entry["rows"]) < self.EXAMPLES:
                entry["rows"].append(raw.row_number)
            if len(entry["values"]) < self.EXAMPLES:
                value = raw.as_submitted().get(error.field.value, "")
                if value not in entry["values"]:
                    entry["values"].append(value)

    def summary(self) -> list[dict[str, Any]]:
        """Most frequent first (then by field and reason), JSON-ready."""
        return sorted(self.entries.values(), key=lambda e: (-e["count"], e["field"], e["message"]))


@dataclass
class OutcomeCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    rejected: int = 0
    rejected_examples: list[tuple[int, list[RowError]]] = field(default_factory=list)
    problems: ProblemTally = field(default_factory=ProblemTally)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.deleted + self.rejected

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _chunked(records: Iterable[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def apply_records(
    session: Session,
    *,
    upload: Upload,
    records: Iterable[RawRecord],
    context: ValidationContext,
    actor_user_id: int | None,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> OutcomeCounts:
    """Validate, decide, match and write every record; return the counts of outcomes."""
    counts = OutcomeCounts()
    done = 0
    with cyclic_gc_paused():
        for chunk in _chunked(records, chunk_size):
            _apply_chunk(session, upload, chunk, context, actor_user_id, counts)
            done += len(chunk)
            if progress is not None:
                progress(done)
    return counts


def _values_of(record: ValidRecord) -> dict[str, Any]:
    identity = record.identity
    return {
        "completed_on": record.completed_on,
        "credits": record.credits,
        "credit_type_code": record.credit_type_code,
        "first_name": identity.first_name,
        "last_name": identity.last_name,
        "dob_month": identity.dob_month,
        "dob_day": identity.dob_day,
    }


def _load_states(
    session: Session, keys: set[tuple[int, str]]
) -> dict[tuple[int, str], RecordState]:
    if not keys:
        return {}
    on, staged = _staged_keys_join(session, keys)
    rows = session.connection().execute(  # plain rows: no ORM result machinery per row
        sa.select(
            Completion.id,
            Completion.activity_id,
            Completion.learner_key,
            Completion.version,
            Completion.deleted_at,
            *(getattr(Completion, name).label(name) for name in _COMPARED),
        ).join_from(Completion, staged, on)
    )
    return {
        (row.activity_id, row.learner_key): RecordState(
            id=row.id,
            values={name: getattr(row, name) for name in _COMPARED},
            version=row.version,
            deleted=row.deleted_at is not None,
        )
        for row in rows
    }


def _staged_keys_join(session: Session, keys: set[tuple[int, str]]):
    """Completions joined to this chunk's (activity, learner) keys, staged in a temp table."""
    staged = stage_keys(
        session, sorted(keys), "passport_chunk_keys", "activity_id INTEGER, learner_key VARCHAR(40)"
    )
    return sa.and_(
        Completion.activity_id == staged.c.activity_id,
        Completion.learner_key == staged.c.learner_key,
    ), staged


def _decide(
    record: ValidRecord, state: RecordState | None
) -> tuple[str, str | None, list[RowError]]:
    """The outcome of one valid record against the current state, and the version action."""
    if record.action == "delete":
        if state is None:
            return (
                "rejected",
                None,
                [
                    RowError(
                        Field.ACTIVITY_ID,
                        "No reported completion of this activity by this learner to delete.",
                    )
                ],
            )
        return ("unchanged", None, []) if state.deleted else ("deleted", "delete", [])
    if state is None:
        return "created", "add", []
    if state.deleted:
        return "created", "restore", []
    if all(state.values[name] == value for name, value in _values_of(record).items()):
        return "unchanged", None, []
    return "updated", "update", []


def _apply_chunk(
    session: Session,
    upload: Upload,
    chunk: list[RawRecord],
    context: ValidationContext,
    actor_user_id: int | None,
    counts: OutcomeCounts,
) -> None:
    checked = [(raw, validate_record(raw, context)) for raw in chunk]
    keys = {
        (result.activity.id, result.identity.learner_key)
        for _, result in checked
        if isinstance(result, ValidRecord)
    }
    states = _load_states(session, keys)
    now = utcnow()
    row_outcomes: list[dict[str, Any]] = []
    row_keys: list[tuple[int, str] | None] = []
    for raw, result in checked:
        if not isinstance(result, ValidRecord):
            _reject(raw, result, counts, row_outcomes, row_keys)
            continue
        key = (result.activity.id, result.identity.learner_key)
        state = states.get(key)
        outcome, action, errors = _decide(result, state)
        if outcome == "rejected":
            _reject(raw, errors, counts, row_outcomes, row_keys)
            continue
        if action is not None:
            new = state is None
            if new:
                state = states[key] = RecordState(id=None, values={}, version=0, deleted=False)
            values = state.values if action == "delete" else _values_of(result)
            if action != "delete" and (
                new
                or any(
                    state.values.get(name) != values[name]
                    for name in ("first_name", "last_name", "dob_month", "dob_day")
                )
            ):
                state.identity_changed = True
            state.values = values  # a fresh dict, or the state's own for a delete
            state.version += 1
            state.deleted = action == "delete"
            state.identity = result.identity
            state.consent = result.consent_basis
            state.versions.append(
                {
                    "version": state.version,
                    "action": action,
                    **values,
                    "recorded_at": now,
                    "row_number": raw.row_number,
                }
            )
            counts.add(outcome)
            continue  # the version written is this row's outcome (see UploadRow)
        counts.add(outcome)
        row_outcomes.append(
            {
                "row_number": raw.row_number,
                "outcome": outcome,
                "submitted": raw.as_submitted(),
                "errors": None,
            }
        )
        row_keys.append(key)
    ids = write_completions(session, states, upload, now)
    write_versions(session, states, ids, upload, actor_user_id, now)
    for row, key in zip(row_outcomes, row_keys, strict=True):
        row["upload_id"] = upload.id
        row["completion_id"] = ids.get(key) if key else None
    if row_outcomes:
        insert_rows(session, UploadRow.__table__, row_outcomes)


def _reject(raw, errors, counts, row_outcomes, row_keys) -> None:
    counts.add("rejected")
    counts.problems.add(raw, errors)
    if len(counts.rejected_examples) < 50:
        counts.rejected_examples.append((raw.row_number, errors))
    row_outcomes.append(
        {
            "row_number": raw.row_number,
            "outcome": "rejected",
            "submitted": raw.as_submitted(),
            "errors": [error.as_dict() for error in errors],
        }
    )
    row_keys.append(None)
