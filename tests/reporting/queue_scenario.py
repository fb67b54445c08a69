"""Set-up half of the Redis-queue test, run in its own process with PASSPORT_* set:
migrate a fresh database, create a provider world, queue one upload, print its id."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade

from passport import MIGRATIONS_DIR, create_app
from passport.extensions import db
from passport.jobs import enqueue_upload, huey
from passport.models import Board, Licensee
from tests.scenario_world import csv_upload, provider_with_activity


def main(csv_path: str) -> None:
    app = create_app()
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        provider = provider_with_activity("Q-1", "Queue test provider", "Queued")
        board = db.session.scalar(db.select(Board).where(Board.code == "CA-MBC"))
        db.session.add(
            Licensee(
                board_id=board.id,
                license_number="A123456",
                first_name="Jane",
                last_name="Doe",
                dob_month=4,
                dob_day=12,
                first_issued_on=date(2010, 1, 1),
                expires_on=date.today() + timedelta(days=100),
            )
        )
        upload = csv_upload(app, provider, Path(csv_path), "queued.csv")
        db.session.commit()
        huey.flush()
        enqueue_upload(upload.id)
        print(upload.id)


if __name__ == "__main__":
    main(sys.argv[1])
