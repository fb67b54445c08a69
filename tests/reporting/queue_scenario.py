"""Set-up half of the Redis-queue test, run in its own process with PASSPORT_* set:
migrate a fresh database, create a provider world, queue one upload, print its id."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask_migrate import upgrade

from passport import MIGRATIONS_DIR, create_app
from passport.extensions import db
from passport.jobs import enqueue_upload, huey
from passport.models import Activity, Board, Licensee, Provider
from passport.reporting import services
from passport.reporting.models import ConsentBasis, UploadMethod


def main(csv_path: str) -> None:
    app = create_app()
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        provider = Provider(accme_id="Q-1", name="Queue test provider")
        db.session.add(provider)
        db.session.flush()
        db.session.add(
            Activity(
                provider_id=provider.id,
                activity_code="ACT-1",
                title="Queued",
                activity_type="live",
                starts_on=date.today() - timedelta(days=30),
                ends_on=date.today(),
                max_credits=Decimal(5),
            )
        )
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
        with open(csv_path, "rb") as handle:
            stored = services.store_upload_file(
                handle, Path(app.config["PASSPORT_UPLOAD_DIR"]), "csv"
            )
        upload = services.create_upload(
            db.session,
            provider_id=provider.id,
            user_id=None,
            method=UploadMethod.CSV,
            stored=stored,
            original_filename="queued.csv",
            consent=ConsentBasis.YEAR,
        )
        db.session.commit()
        huey.flush()
        enqueue_upload(upload.id)
        print(upload.id)


if __name__ == "__main__":
    main(sys.argv[1])
