"""The upload job: process one upload in one transaction, or mark it failed."""

from __future__ import annotations

import logging
from pathlib import Path

from passport.errors import DomainError
from passport.extensions import db
from passport.progress import clear_progress, set_progress
from passport.reporting.models import Upload
from passport.reporting.services import (
    count_rows,
    failure_message,
    mark_upload_failed,
    process_upload,
)

log = logging.getLogger("passport.reporting")


def run_upload(upload_id: int) -> str:
    """Apply a queued upload fully or not at all; returns its final status."""
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.status == "done":
        return upload.status if upload else "missing"
    job = f"upload:{upload_id}"
    total = count_rows(upload.method, Path(upload.stored_path))
    set_progress(job, 0, total)
    try:
        process_upload(
            db.session, upload, progress=lambda done: set_progress(job, done, max(total, done))
        )
        db.session.commit()
        return "done"
    except Exception as error:
        db.session.rollback()
        if not isinstance(error, DomainError):
            log.exception("Upload %s failed", upload_id)
        mark_upload_failed(db.session, upload_id, failure_message(error))
        db.session.commit()
        return "failed"
    finally:
        clear_progress(job)
