"""One actor of the PostgreSQL fault tests, run in its own process with PASSPORT_* set
(a real worker has its own process, connection and transaction):

    setup FOLDER             migrate a fresh database, create a provider with an activity,
                             write three learner files in FOLDER (the first two overlap by
                             half, the third is large), make an upload of each; print ids
    run UPLOAD_ID            run the upload job, as a queue worker would; print its status
    report                   print what the database holds, as JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from passport import MIGRATIONS_DIR, create_app
from passport.extensions import db
from passport.models import (
    Completion,
    CompletionVersion,
    Upload,
    UploadRow,
)
from passport.reporting.jobs import run_upload
from tests.reporting.helpers import csv_bytes, row
from tests.scenario_world import csv_upload, provider_with_activity

OVERLAP = 200  # learners both FIRST and SECOND report
PER_FILE = 400
BIG = 30_000


def _learners(numbers) -> bytes:
    return csv_bytes([row(license_or_npi=f"A{700000 + n}", last_name=_letters(n)) for n in numbers])


def _letters(number: int) -> str:
    """A distinct surname per learner (names take letters, not digits): 12 -> "Dbc"."""
    return "D" + "".join(chr(ord("a") + int(digit)) for digit in str(number))


def setup(app, folder: Path) -> None:
    upgrade(directory=str(MIGRATIONS_DIR))
    provider = provider_with_activity("CONC-1", "Concurrency test provider", "Raced")
    first = range(PER_FILE)
    second = range(PER_FILE - OVERLAP, 2 * PER_FILE - OVERLAP)
    big = range(10_000, 10_000 + BIG)
    ids = []
    for name, numbers in (("first", first), ("second", second), ("big", big)):
        path = folder / f"{name}.csv"
        path.write_bytes(_learners(numbers))
        upload = csv_upload(app, provider, path, path.name)
        ids.append(upload.id)
    db.session.commit()
    print(json.dumps(ids))


def report() -> None:
    duplicates = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            sa.select(Completion.activity_id, Completion.learner_key)
            .group_by(Completion.activity_id, Completion.learner_key)
            .having(sa.func.count() > 1)
            .subquery()
        )
    )
    uploads = {
        upload.id: {
            "status": upload.status,
            "created": upload.created_count,
            "unchanged": upload.unchanged_count,
            "rejected": upload.rejected_count,
        }
        for upload in db.session.scalars(sa.select(Upload))
    }
    print(
        json.dumps(
            {
                "completions": db.session.scalar(sa.select(sa.func.count(Completion.id))),
                "versions": db.session.scalar(sa.select(sa.func.count(CompletionVersion.id))),
                "duplicates": duplicates,
                "uploads": uploads,
                "first_rejection": db.session.scalar(
                    sa.select(UploadRow.errors).where(UploadRow.outcome == "rejected").limit(1)
                ),
            }
        )
    )


def main(command: str, *args: str) -> None:
    app = create_app()
    with app.app_context():
        if command == "setup":
            setup(app, Path(args[0]))
        elif command == "run":
            print(run_upload(int(args[0])))
        elif command == "report":
            report()


if __name__ == "__main__":
    main(*sys.argv[1:])
