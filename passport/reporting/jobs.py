"""The upload job: process one upload in one transaction, or mark it failed."""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from passport.errors import DomainError
from passport.extensions import db
from passport.notifications import events
from passport.progress import clear_progress, set_progress
from passport.reporting.models import Completion, CompletionVersion, Upload
from passport.reporting.services import (
    count_rows,
    failure_message,
    mark_upload_failed,
    process_upload,
)

log = logging.getLogger("passport.reporting")


# Two uploads that report the same learners at the same moment both find them new; the
# database's unique key lets the first insert through and stops the second, which is rolled
# back whole and run again: the second time it sees the first's rows (unchanged or updated).
CONFLICT_ATTEMPTS = 3


def unmatched_count(upload_id: int) -> int:
    """Live records this upload wrote that matched no license (they wait in the queue)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(CompletionVersion)
            .join(Completion, Completion.id == CompletionVersion.completion_id)
            .where(
                CompletionVersion.upload_id == upload_id,
                CompletionVersion.version == Completion.version,
                Completion.deleted_at.is_(None),
                Completion.licensee_id.is_(None),
            )
        )
        or 0
    )


def tell_uploader(upload: Upload) -> None:
    """Record "your upload has finished / failed" in the job's transaction."""
    events.upload_finished(db.session, upload, unmatched_count(upload.id))


def run_upload(upload_id: int) -> str:
    """Apply a queued upload fully or not at all; returns its final status.

    Safe to run again after a crash: everything happens in one transaction, which the
    database rolls back if the worker dies, and a finished upload is never applied twice.
    """
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.status == "done":
        return upload.status if upload else "missing"
    job = f"upload:{upload_id}"
    set_progress(job, 0, upload.total_rows, "counting")
    total = upload.total_rows or count_rows(upload.method, Path(upload.stored_path))
    set_progress(job, 0, total, "checking")
    try:
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            try:
                process_upload(
                    db.session,
                    upload,
                    progress=lambda done: set_progress(job, done, max(total, done), "checking"),
                )
                set_progress(job, upload.total_rows, upload.total_rows, "saving")
                tell_uploader(upload)
                db.session.commit()
                return "done"
            except IntegrityError:
                db.session.rollback()
                if attempt == CONFLICT_ATTEMPTS:
                    raise
                log.info("Upload %s met a concurrent upload; attempt %s", upload_id, attempt + 1)
                upload = db.session.get(Upload, upload_id)
    except Exception as error:
        db.session.rollback()
        if not isinstance(error, DomainError):
            log.exception("Upload %s failed", upload_id)
        mark_upload_failed(db.session, upload_id, failure_message(error))
        tell_uploader(db.session.get(Upload, upload_id, populate_existing=True))
        db.session.commit()
        return "failed"
    finally:
        clear_progress(job)
