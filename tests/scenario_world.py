"""The small world the out-of-process scenarios (tests/reporting/queue_scenario.py,
tests/security/concurrency_scenario.py) build in their own database: a provider with one
activity open this month, and uploads of files on disk. The caller commits."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask import Flask

from passport.extensions import db
from passport.models import Activity, Provider, Upload
from passport.reporting import services
from passport.reporting.models import ConsentBasis, UploadMethod


def provider_with_activity(accme_id: str, name: str, title: str) -> Provider:
    """A provider whose activity ``ACT-1`` ran over the last 30 days, up to 5 credits."""
    provider = Provider(accme_id=accme_id, name=name)
    db.session.add(provider)
    db.session.flush()
    db.session.add(
        Activity(
            provider_id=provider.id,
            activity_code="ACT-1",
            title=title,
            activity_type="live",
            starts_on=date.today() - timedelta(days=30),
            ends_on=date.today(),
            max_credits=Decimal(5),
        )
    )
    return provider


def csv_upload(app: Flask, provider: Provider, path: Path, filename: str) -> Upload:
    """Keep ``path`` as an uploaded .csv (permission attested for the year) and record
    the upload, queued, as the upload form would."""
    with open(path, "rb") as handle:
        stored = services.store_upload_file(handle, Path(app.config["PASSPORT_UPLOAD_DIR"]), "csv")
    return services.create_upload(
        db.session,
        provider_id=provider.id,
        user_id=None,
        method=UploadMethod.CSV,
        stored=stored,
        original_filename=filename,
        consent=ConsentBasis.YEAR,
    )
