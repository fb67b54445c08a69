"""Self-reported credit: certificates checked by content and size, totalled apart, and
served only to their owner."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from passport.errors import ValidationError
from passport.models import SelfReportedCredit
from passport.transcripts.certificates import MAX_CERTIFICATE_BYTES, store_certificate
from tests import factories
from tests.conftest import sign_in_as

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"IEND\xaeB`\x82"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32 + b"\xff\xd9"


@pytest.mark.parametrize(
    ("content", "media_type"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
)
def test_accepted_formats_are_recognised_by_content(tmp_path, content, media_type):
    stored = store_certificate(io.BytesIO(content), "../../etc/cert.bin", tmp_path)
    assert stored.media_type == media_type and stored.size == len(content)
    assert stored.filename == "cert.bin"  # no path survives
    assert len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 an executable renamed .pdf", "PDF, PNG or JPEG"),
        (b"<html><script>alert(1)</script>", "PDF, PNG or JPEG"),
        (b"", "empty"),
        (PDF[:-7], "damaged"),  # cut short before %%EOF
        (b"%PDF-1.4" + b"0" * MAX_CERTIFICATE_BYTES, "10 MB"),
    ],
)
def test_bad_certificates_are_refused_and_nothing_is_kept(tmp_path, content, message):
    with pytest.raises(ValidationError, match=message):
        store_certificate(io.BytesIO(content), "certificate.pdf", tmp_path)
    assert list(tmp_path.iterdir()) == []


def _form(**changes):
    return {
        "title": "Wilderness medicine course",
        "provider_name": "Sierra Society",
        "completed_on": (date.today() - timedelta(days=12)).isoformat(),
        "credits": "2.75",
        "credit_type_code": "SELF_REPORTED",
        "topic_codes": ["geriatrics"],
        "certificate": (io.BytesIO(PDF), "certificate.pdf"),
    } | changes


def test_add_view_and_download_self_reported_credit(app, db_session, transcript_world):
    world = transcript_world
    client = sign_in_as(app.test_client(), world.physician)
    response = client.post(
        "/physician/self-reported/new", data=_form(), content_type="multipart/form-data"
    )
    assert response.status_code == 302
    credit = db_session.scalars(sa.select(SelfReportedCredit)).one()
    assert credit.credits == Decimal("2.75") and [t.code for t in credit.topics] == ["geriatrics"]
    page = client.get("/physician/transcript").get_data(as_text=True)
    assert "Wilderness medicine course" in page and "Self-reported" in page
    assert "2.75" in page
    with client.get(f"/physician/self-reported/{credit.id}/certificate") as download:
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in download.headers["Content-Disposition"]
    # Withdrawn: off the transcript, but the row is kept.
    client.post(f"/physician/self-reported/{credit.id}/withdraw")
    db_session.refresh(credit)
    assert credit.withdrawn_at is not None
    assert "Wilderness" not in client.get("/physician/transcript").get_data(as_text=True)


def test_self_reported_credit_is_totalled_apart(app, db_session, transcript_world):
    from tests.transcripts.conftest import completion

    world = transcript_world
    completion(world, world.pain, 3, "1.00")
    factories.SelfReportedCreditFactory(user=world.physician, credits=Decimal("0.75"))
    page = sign_in_as(app.test_client(), world.physician).get("/physician/transcript")
    text = page.get_data(as_text=True)
    assert '"stat-value">1.00</span><span class="stat-label">hours reported by providers' in text
    assert '"stat-value">0.75</span><span class="stat-label">hours self-reported (1)' in text


def test_a_disguised_file_is_refused_on_the_page(app, db_session, transcript_world):
    client = sign_in_as(app.test_client(), transcript_world.physician)
    page = client.post(
        "/physician/self-reported/new",
        data=_form(certificate=(io.BytesIO(b"MZ\x90\x00evil"), "certificate.pdf")),
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "must be a PDF, PNG or JPEG" in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SelfReportedCredit)) == 0


def test_rules_for_self_reported_credit(app, db_session, transcript_world):
    client = sign_in_as(app.test_client(), transcript_world.physician)
    for changes, message in (
        ({"credits": "1.3"}, "quarter hours"),
        ({"credits": "NaN"}, "more than 0"),
        ({"credits": "1E+30"}, "At most 10,000"),
        ({"completed_on": (date.today() + timedelta(days=2)).isoformat()}, "future"),
    ):
        page = client.post(
            "/physician/self-reported/new",
            data=_form(**changes),
            content_type="multipart/form-data",
        ).get_data(as_text=True)
        assert message in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SelfReportedCredit)) == 0
