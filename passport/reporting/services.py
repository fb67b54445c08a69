"""Reporting operations: receive an upload, process it, report one record by form,
correct an unmatched record, and match again when the roster changes."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.db import utcnow
from passport.errors import DomainError, NotFound
from passport.reporting.identity_guard import guarded_match
from passport.reporting.matching import match_identities
from passport.reporting.models import (
    Completion,
    CompletionVersion,
    ConsentBasis,
    MatchStatus,
    Upload,
    UploadMethod,
)
from passport.reporting.parsers import (
    READERS,
    FileRefused,
    estimate_xlsx_rows,
    file_format,
    xml_format,
)
from passport.reporting.pipeline import OutcomeCounts, apply_records, load_validation_context
from passport.reporting.records import Field, RawRecord
from passport.reporting.validation import (
    Identity,
    RowError,
    ValidationContext,
    validate_identity,
    validate_record,
)
from passport.trail.services import record_event

COPY_BUFFER = 1024 * 1024


class RecordRejected(DomainError):
    """A single record (web form) failed validation; ``errors`` says where and why."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("The record was not saved: please fix the errors.")
        self.errors = errors


@dataclass(frozen=True)
class StoredFile:
    path: Path
    sha256: str
    size: int


def store_upload_file(stream: IO[bytes], upload_dir: Path, suffix: str) -> StoredFile:
    """Copy an uploaded file to ``upload_dir`` under its SHA-256, hashing as it streams."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, temporary = tempfile.mkstemp(dir=upload_dir, suffix=".part")
    with os.fdopen(fd, "wb") as out:
        while block := stream.read(COPY_BUFFER):
            digest.update(block)
            size += len(block)
            out.write(block)
    final = upload_dir / f"{digest.hexdigest()}.{suffix}"
    os.replace(temporary, final)
    return StoredFile(final, digest.hexdigest(), size)


def create_upload(
    session: Session,
    *,
    provider_id: int,
    user_id: int | None,
    method: UploadMethod,
    stored: StoredFile | None,
    original_filename: str | None,
    consent: ConsentBasis | None,
    ip_address: str | None = None,
) -> Upload:
    """Record a submission, queued for processing."""
    upload = Upload(
        provider_id=provider_id,
        user_id=user_id,
        method=method.value,
        original_filename=(original_filename or "")[:255] or None,
        sha256=stored.sha256 if stored else None,
        stored_path=str(stored.path) if stored else None,
        consent_basis=consent.value if consent else None,
        permission_attested=consent is not None,
        status="queued",
        # Known from the start, so its messages and progress read right while it runs.
        file_format=file_format(method.value, stored.path) if stored else None,
        total_rows=count_rows(method.value, stored.path)
        if stored and method.value in READERS
        else 0,
    )
    session.add(upload)
    session.flush()
    record_event(
        session,
        actor_user_id=user_id,
        action="upload.received",
        object_type="upload",
        object_id=upload.id,
        detail={
            "method": method.value,
            "sha256": upload.sha256,
            "filename": upload.original_filename,
        },
        ip_address=ip_address,
    )
    return upload


def count_rows(method: str, path: Path) -> int:
    """A quick count of the data rows, for the progress bar (not validation)."""
    if method == "xlsx":
        return estimate_xlsx_rows(path)  # from the sheet's <dimension>: no second full load
    # A record's opening and closing tags both end in "Completion>" (with any prefix); in
    # a MedBiquitous file each record is a Module ("ModuleName>" does not end so).
    needle = b"\n"
    if method == "xml":
        needle = b"Module>" if xml_format(path) == "medbiq" else b"Completion>"
    total = 0
    with open(path, "rb") as handle:
        while block := handle.read(COPY_BUFFER):
            total += block.count(needle)
    return total // 2 if method == "xml" else max(total - 1, 0)


def _finish(upload: Upload, counts: OutcomeCounts) -> None:
    upload.created_count = counts.created
    upload.updated_count = counts.updated
    upload.unchanged_count = counts.unchanged
    upload.deleted_count = counts.deleted
    upload.rejected_count = counts.rejected
    upload.problem_summary = counts.problems.summary() or None
    upload.total_rows = counts.total
    upload.processed_rows = counts.total
    upload.status = "done"
    upload.error_message = None
    upload.finished_at = utcnow()


def process_upload(
    session: Session,
    upload: Upload,
    *,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> OutcomeCounts:
    """Parse, validate, match and store a file upload in the caller's transaction.

    ``FileRefused`` (and any other error) propagates: the caller rolls back, so nothing of
    the file is stored, and marks the upload failed.
    """
    upload.status = "running"
    upload.started_at = utcnow()
    context = load_validation_context(
        session,
        upload.provider_id,
        today or date.today(),
        ConsentBasis(upload.consent_basis) if upload.consent_basis else None,
    )
    records = READERS[upload.method](Path(upload.stored_path))
    counts = apply_records(
        session,
        upload=upload,
        records=records,
        context=context,
        actor_user_id=upload.user_id,
        progress=progress,
    )
    _finish(upload, counts)
    session.flush()
    return counts


def record_problems(
    session: Session, *, provider_id: int, record: RawRecord, today: date | None = None
) -> list[RowError]:
    """Every problem validation finds in one record, without storing or matching it: the
    web form shows them together with its own (the permission box) in one pass. The
    permission is the form's to check, so it is taken as attested here."""
    context = load_validation_context(
        session, provider_id, today or date.today(), ConsentBasis.ACTIVITY
    )
    result = validate_record(record, context)
    return result if isinstance(result, list) else []


def report_single_record(
    session: Session,
    *,
    provider_id: int,
    user_id: int,
    record: RawRecord,
    consent: ConsentBasis | None,
    today: date | None = None,
    ip_address: str | None = None,
) -> tuple[Upload, str]:
    """Report one learner by web form through the same pipeline; raise ``RecordRejected``
    (the caller rolls back, so nothing is stored) when the record is invalid."""
    upload = create_upload(
        session,
        provider_id=provider_id,
        user_id=user_id,
        method=UploadMethod.FORM,
        stored=None,
        original_filename=None,
        consent=consent,
        ip_address=ip_address,
    )
    context = load_validation_context(session, provider_id, today or date.today(), consent)
    counts = apply_records(
        session, upload=upload, records=[record], context=context, actor_user_id=user_id
    )
    if counts.rejected:
        raise RecordRejected(counts.rejected_examples[0][1])
    _finish(upload, counts)
    session.flush()
    outcome = next(
        name for name in ("created", "updated", "unchanged", "deleted") if getattr(counts, name)
    )
    return upload, outcome


def report_batch(
    session: Session,
    *,
    provider_id: int,
    user_id: int | None,
    records: list[RawRecord],
    consent: ConsentBasis | None,
    stored: StoredFile | None = None,
    api_client_id: int | None = None,
    today: date | None = None,
    ip_address: str | None = None,
) -> tuple[Upload, OutcomeCounts]:
    """Report a batch of records sent by the web service, at once, through the pipeline.

    Valid records are stored and rejected ones only reported, as for a file upload; the
    caller commits once. The upload's row outcomes are numbered by position from 1.
    """
    upload = create_upload(
        session,
        provider_id=provider_id,
        user_id=user_id,
        method=UploadMethod.API,
        stored=stored,
        original_filename=None,
        consent=consent,
        ip_address=ip_address,
    )
    upload.api_client_id = api_client_id
    upload.total_rows = len(records)
    context = load_validation_context(session, provider_id, today or date.today(), consent)
    counts = apply_records(
        session, upload=upload, records=records, context=context, actor_user_id=user_id
    )
    _finish(upload, counts)
    session.flush()
    return upload, counts


def mark_upload_failed(session: Session, upload_id: int, message: str) -> None:
    session.execute(
        sa.update(Upload)
        .where(Upload.id == upload_id)
        .values(
            status="failed", error_message=message[:2000], finished_at=utcnow(), processed_rows=0
        )
    )


INTERNAL_FAILURE = (
    "The upload could not be processed because of an error on our side. Nothing from it "
    "was stored; please retry."
)


def failure_message(error: Exception) -> str:
    if isinstance(error, FileRefused):
        return str(error)
    return INTERNAL_FAILURE


def can_retry(upload: Upload) -> bool:
    """Only a failure on Passport's side can go better the second time: a refused file
    would be refused again, unchanged."""
    return upload.status == "failed" and upload.error_message == INTERNAL_FAILURE


def correct_identity(
    session: Session,
    *,
    provider_id: int,
    user_id: int,
    completion_id: int,
    record: RawRecord,
    context: ValidationContext,
) -> Completion:
    """Fix the learner identity of an unmatched record (a new version) and match again."""
    completion = session.get(Completion, completion_id)
    if completion is None or completion.activity.provider_id != provider_id:
        raise NotFound("No such record.")
    errors: list[RowError] = []
    identity = validate_identity(record, context, errors)
    if identity is None:
        raise RecordRejected(errors)
    if identity.learner_key != completion.learner_key and session.scalar(
        sa.select(Completion.id).where(
            Completion.activity_id == completion.activity_id,
            Completion.learner_key == identity.learner_key,
        )
    ):
        raise RecordRejected(
            [RowError(Field.LICENSE_OR_NPI, "This learner already has a record for this activity.")]
        )
    match = guarded_match(session, provider_id, [identity], actor_user_id=user_id)[0]
    completion.first_name, completion.last_name = identity.first_name, identity.last_name
    completion.dob_month, completion.dob_day = identity.dob_month, identity.dob_day
    completion.license_state, completion.license_number = (
        identity.license_state,
        identity.license_number,
    )
    completion.board_id = identity.board_id
    completion.npi, completion.learner_key = identity.npi, identity.learner_key
    completion.licensee_id, completion.match_status = match.licensee_id, match.status.value
    completion.version += 1
    session.add(
        CompletionVersion(
            completion_id=completion.id,
            version=completion.version,
            action="update",
            first_name=completion.first_name,
            last_name=completion.last_name,
            dob_month=completion.dob_month,
            dob_day=completion.dob_day,
            completed_on=completion.completed_on,
            credits=completion.credits,
            credit_type_code=completion.credit_type_code,
            actor_user_id=user_id,
        )
    )
    record_event(
        session,
        actor_user_id=user_id,
        action="completion.identity_corrected",
        object_type="completion",
        object_id=completion.id,
        detail={"version": completion.version, "match_status": completion.match_status},
    )
    session.flush()
    return completion


def rematch_unmatched(session: Session, board_id: int | None = None) -> int:
    """Match every unmatched live completion again (after a roster changes), in bulk.

    Returns how many became matched. ``board_id`` limits it to one board's licence numbers
    (records identified by NPI only are always included). Records the identity guard
    holds (``pending``) wait for an administrator's review instead: matching them here
    would answer, later, the very attempts it held back.
    """
    query = sa.select(
        Completion.id,
        Completion.first_name,
        Completion.last_name,
        Completion.dob_month,
        Completion.dob_day,
        Completion.license_state,
        Completion.license_number,
        Completion.npi,
        Completion.board_id,
    ).where(
        Completion.licensee_id.is_(None),  # unmatched
        Completion.deleted_at.is_(None),
        Completion.match_status != MatchStatus.PENDING.value,
    )
    if board_id is not None:
        query = query.where(sa.or_(Completion.board_id == board_id, Completion.board_id.is_(None)))
    rows = session.execute(query).all()
    identities = [
        Identity(
            row.first_name,
            row.last_name,
            row.dob_month,
            row.dob_day,
            row.license_state,
            row.license_number,
            row.npi,
            row.board_id,
        )
        for row in rows
    ]
    results = match_identities(session, identities)
    updates = [
        {"id": row.id, "licensee_id": result.licensee_id, "match_status": result.status.value}
        for row, result in zip(rows, results, strict=True)
    ]
    if updates:
        session.execute(sa.update(Completion), updates)
    return sum(1 for result in results if result.licensee_id is not None)
