"""Writing a decided chunk of the upload pipeline: new and changed completions, and their
versions, in bulk statements (``passport.bulk``), flushed in the caller's transaction.

Most rows of a large upload are new records: their completions go in with one bulk insert
that gives back their ids, their licensees are noted for the audit first (one statement),
and their first versions are copied from the rows just inserted, in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.bulk import insert_rows, insert_rows_returning_ids, stage_keys
from passport.compliance.standings import note_stale
from passport.reporting.identity_guard import guarded_match
from passport.reporting.models import Completion, CompletionVersion, Upload


@dataclass
class RecordState:
    """A completion's state while a chunk is decided: existing (``id``) or new, and the
    versions the chunk gives it."""

    id: int | None
    values: dict[str, Any]
    version: int
    deleted: bool
    versions: list[dict[str, Any]] = field(default_factory=list)
    identity_changed: bool = False
    identity: Any = None
    consent: str | None = None


ChunkStates = dict[tuple[int, str], RecordState]
"""A chunk's records by (activity id, learner key)."""


def write_completions(
    session: Session, states: ChunkStates, upload: Upload, now: datetime
) -> dict[tuple[int, str], int]:
    """Insert new completions and update changed ones; return every key's completion id."""
    ids = {key: state.id for key, state in states.items() if state.id is not None}
    changed = {key: s for key, s in states.items() if s.versions}
    to_match = [(key, s) for key, s in changed.items() if s.identity_changed and not s.deleted]
    matches = dict(
        zip(
            [key for key, _ in to_match],
            guarded_match(
                session,
                upload.provider_id,
                [s.identity for _, s in to_match],
                actor_user_id=upload.user_id,
                now=now,
            ),
            strict=True,
        )
    )
    inserts, inserted_keys, updates = [], [], []
    for key, state in changed.items():
        match = matches.get(key)
        if state.id is None:
            inserts.append(_new_completion(key, state, match, upload.id, now))
            inserted_keys.append(key)
            continue
        values = {
            **state.values,
            "version": state.version,
            "deleted_at": now if state.deleted else None,
            "last_upload_id": upload.id,
            "updated_at": now,
            "consent_basis": state.consent,
        }
        if match is not None:
            values["licensee_id"] = match.licensee_id
            values["match_status"] = match.status.value
        updates.append({"id": state.id, **values})
    if inserts:
        note_stale(session, (row["licensee_id"] for row in inserts if row["licensee_id"]))
        new_ids = insert_rows_returning_ids(session, Completion.__table__, inserts)
        ids.update(zip(inserted_keys, new_ids, strict=True))
    if updates:
        session.execute(sa.update(Completion), updates)
    return ids


def _new_completion(key, state, match, upload_id, now) -> dict[str, Any]:
    """The completions row of a new record, by column name (for ``insert_rows``)."""
    values, identity = state.values, state.identity
    return {
        "activity_id": key[0],
        "learner_key": key[1],
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "dob_month": values["dob_month"],
        "dob_day": values["dob_day"],
        "completed_on": values["completed_on"],
        "credits_hundredths": values["credits"],
        "credit_type_code": values["credit_type_code"],
        "license_state": identity.license_state,
        "license_number": identity.license_number,
        "board_id": identity.board_id,
        "npi": identity.npi,
        "licensee_id": match.licensee_id if match else None,
        "match_status": match.status.value if match else "pending",
        "consent_basis": state.consent,
        "version": state.version,
        "deleted_at": now if state.deleted else None,
        "last_upload_id": upload_id,
        "reported_at": now,
        "updated_at": now,
    }


def write_versions(
    session: Session,
    states: ChunkStates,
    ids: dict[tuple[int, str], int],
    upload: Upload,
    actor_user_id: int | None,
    now: datetime,
) -> None:
    """Write the chunk's new versions. Most are the first version of a new completion,
    the same values as the row just inserted: those are copied from it in SQL, one
    statement, and only the rest (corrections, deletions, a learner sent twice) are built
    here."""
    first_versions = []
    versions = []
    for key, state in states.items():
        if state.id is None and len(state.versions) == 1:
            first_versions.append((ids[key], state.versions[0]["row_number"]))
            continue
        versions.extend(
            _core(
                {
                    **entry,
                    "completion_id": ids[key],
                    "upload_id": upload.id,
                    "actor_user_id": actor_user_id,
                }
            )
            for entry in state.versions
        )
    if first_versions:
        _copy_first_versions(session, first_versions, upload, actor_user_id, now)
    if versions:
        insert_rows(session, CompletionVersion.__table__, versions)


# The values a version repeats from its completion.
_VERSIONED_COLUMNS = (
    "first_name",
    "last_name",
    "dob_month",
    "dob_day",
    "completed_on",
    "credits_hundredths",
    "credit_type_code",
)


def _copy_first_versions(session, firsts, upload, actor_user_id, recorded_at) -> None:
    """``firsts``: (completion id, row number) of each new completion to copy."""
    staged = stage_keys(
        session, firsts, "passport_new_completions", "id INTEGER PRIMARY KEY, row_number INTEGER"
    )
    completions, versions = Completion.__table__.c, CompletionVersion.__table__.c
    # The row number is a subquery by key rather than a join, so that the database looks
    # each staged id up instead of scanning every completion.
    row_number = (
        sa.select(staged.c.row_number).where(staged.c.id == completions.id).scalar_subquery()
    )
    session.execute(
        sa.insert(CompletionVersion.__table__).from_select(
            [
                "completion_id",
                "version",
                "action",
                *_VERSIONED_COLUMNS,
                "upload_id",
                "actor_user_id",
                "recorded_at",
                "row_number",
            ],
            sa.select(
                completions.id,
                sa.literal(1, versions.version.type),
                sa.literal("add", versions.action.type),
                *(completions[name] for name in _VERSIONED_COLUMNS),
                sa.literal(upload.id, versions.upload_id.type),
                sa.literal(actor_user_id, versions.actor_user_id.type),
                sa.literal(recorded_at, versions.recorded_at.type),
                row_number,
            ).where(completions.id.in_(sa.select(staged.c.id))),
        )
    )


def _core(values: dict[str, Any]) -> dict[str, Any]:
    """Attribute names → column names, for Core inserts (credits are stored in hundredths)."""
    if "credits" in values:
        values = dict(values)
        values["credits_hundredths"] = values.pop("credits")
    return values
