"""PDF transcripts: what they hold (read back as text), verification, authorization."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from passport.bulk import insert_rows
from passport.db import utcnow
from passport.models import AccessLogEntry, Completion, IssuedTranscript, Topic
from passport.pdf_transcripts.render import html_to_pdf
from passport.pdf_transcripts.services import normalise_code
from tests import factories
from tests.conftest import sign_in_as


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _code(text: str) -> str:
    return re.search(r"Verification code\s*([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", text)[1]


@pytest.fixture
def linked(db_session):
    """A physician with a linked MBC licence, two reported completions (one on pain
    management), one self-reported credit, and an open discrepancy."""
    link = factories.LicenseLinkFactory(
        licensee=factories.LicenseeFactory(last_name="Okafor", first_name="Ada")
    )
    licensee = link.licensee
    activity = factories.ActivityFactory(
        title="Opioid stewardship <b>2026</b>", starts_on=date.today() - timedelta(days=400)
    )
    activity.topics = [db_session.get(Topic, "pain_eol")]
    db_session.commit()
    first = factories.CompletionFactory(
        activity=activity, licensee=licensee, credits=Decimal("12.50")
    )
    factories.CompletionFactory(
        licensee=licensee,
        activity=factories.ActivityFactory(title="Sepsis update"),
        credits=Decimal("3.25"),
    )
    factories.SelfReportedCreditFactory(user=link.user, title="Journal club on asthma")
    factories.DiscrepancyFactory(completion=first, raised_by=link.user)
    return link


def test_physician_pdf_holds_rows_totals_sections_and_code(app, db_session, linked):
    client = sign_in_as(app.test_client(), linked.user)
    response = client.get(f"/physician/transcript.pdf?license={linked.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = _text(response.data)
    assert "Opioid stewardship <b>2026</b>" in text  # real, searchable text, escaped markup
    assert "Sepsis update" in text and "12.50" in text and "3.25" in text
    assert "15.75" in text  # the total
    assert "Pain management and end-of-life care" in text  # totals by topic
    assert "Self-reported credit" in text and "Journal club on asthma" in text
    assert "1 discrepancy is open" in text
    assert "Requirements for this renewal cycle" in text
    assert "Page 1 of" in text
    code = _code(text)
    issued = db_session.scalar(sa.select(IssuedTranscript))
    assert issued.code == normalise_code(code) and issued.row_count == 2
    assert (
        reader.metadata.title == f"CME transcript: {linked.licensee.full_name}"
    )  # the roster's name, not the account's
    assert reader.metadata.author == "Passport CME reporting"
    assert code in reader.metadata.subject


def test_empty_and_two_thousand_rows_both_render(app, db_session, linked):
    client = sign_in_as(app.test_client(), linked.user)
    empty = client.get("/physician/transcript.pdf?from=1990-01-01&to=1990-12-31&cycle=all")
    assert "No credit was reported for this licence in this period" in _text(empty.data)
    activity = factories.ActivityFactory(title="Bulk activity")
    licensee = linked.licensee
    now = utcnow()
    insert_rows(
        db_session,
        Completion.__table__,
        [
            {
                "activity_id": activity.id,
                "learner_key": f"bulk-{n}",
                "first_name": "Ada",
                "last_name": "Okafor",
                "dob_month": 4,
                "dob_day": 12,
                "license_state": "CA",
                "license_number": licensee.license_number,
                "board_id": licensee.board_id,
                "completed_on": date.today() - timedelta(days=n % 300),
                "credits_hundredths": 25,
                "credit_type_code": "AMA_PRA_1",
                "consent_basis": "year",
                "licensee_id": licensee.id,
                "match_status": "matched",
                "version": 1,
                "reported_at": now,
                "updated_at": now,
            }
            for n in range(2000)
        ],
    )
    db_session.commit()
    big = client.get("/physician/transcript.pdf")
    reader = PdfReader(io.BytesIO(big.data))
    assert len(reader.pages) > 20
    assert "2002 completions" in reader.pages[0].extract_text()
    middle = reader.pages[len(reader.pages) // 2].extract_text()
    assert "Activity ID" in middle and "Credit type" in middle  # the header repeats
    last = reader.pages[-1].extract_text()
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last


def test_verification_page_shows_the_transcript_and_detects_a_change(app, db_session, linked):
    client = sign_in_as(app.test_client(), linked.user)
    code = _code(_text(client.get("/physician/transcript.pdf").data))
    anonymous = app.test_client()
    page = anonymous.get(f"/verify/{code.lower()}").get_data(as_text=True)
    assert "Genuine and current" in page and linked.licensee.full_name in page and "15.75" in page
    assert anonymous.get(f"/verify?code={code}").status_code == 302
    completion = db_session.scalars(
        sa.select(Completion).where(Completion.licensee_id == linked.licensee_id)
    ).first()
    completion.credits = Decimal("1.00")
    completion.version += 1
    db_session.commit()
    changed = anonymous.get(f"/verify/{code}").get_data(as_text=True)
    assert "the data has changed" in changed
    assert anonymous.get("/verify/AAAA-BBBB-CCCC").status_code == 404


def test_a_physician_gets_only_their_own_licences(app, db_session, linked):
    stranger = factories.LicenseLinkFactory()
    client = sign_in_as(app.test_client(), stranger.user)
    assert client.get(f"/physician/transcript.pdf?license={linked.id}").status_code == 403
    own = _text(client.get("/physician/transcript.pdf?license=all").data)
    assert linked.licensee.license_number not in own
    assert stranger.licensee.license_number in own


def test_board_downloads_its_licensees_pdf_and_it_is_logged(app, db_session, linked):
    staff = factories.BoardStaffFactory()
    client = sign_in_as(app.test_client(), staff)
    response = client.get(f"/board/licensees/{linked.licensee_id}/transcript.pdf")
    assert response.status_code == 200 and "Ada Okafor" in _text(response.data)
    entry = db_session.scalar(
        sa.select(AccessLogEntry).where(AccessLogEntry.action == "licensee.transcript_pdf")
    )
    assert entry.licensee_id == linked.licensee_id and entry.user_id == staff.id
    other_board = factories.BoardStaffFactory(board=factories.board("CA-OMBC"))
    refused = sign_in_as(app.test_client(), other_board).get(
        f"/board/licensees/{linked.licensee_id}/transcript.pdf"
    )
    assert refused.status_code == 403


def test_the_renderer_never_reads_files_or_the_network(app, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red }")
    html = (
        f'<link rel="stylesheet" href="file://{secret}">'
        f'<img src="file:///etc/hostname"><img src="http://127.0.0.1:9/x.png"><p>Hello</p>'
    )
    pdf = html_to_pdf(html)
    reader = PdfReader(io.BytesIO(pdf))
    assert "Hello" in reader.pages[0].extract_text()
    assert not reader.pages[0].images  # neither image was fetched
