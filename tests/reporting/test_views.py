"""Provider pages: what staff see and do, and what other providers cannot."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from passport.compliance.models import AuditStanding, StaleStanding
from passport.models import Activity, Completion, Upload
from passport.reporting import services
from tests import factories
from tests.conftest import sign_in_as
from tests.reporting.helpers import (
    activity_form,
    completion_form,
    csv_bytes,
    row,
    xlsx_bytes,
    xml_bytes,
)


@pytest.fixture
def staff_client(app, world):
    return sign_in_as(app.test_client(), world.staff)


def post_file(client, content: bytes, name: str, attested=True):
    data = {"file": (io.BytesIO(content), name), "permission_scope": "year"}
    if attested:
        data["permission_attested"] = "y"
    return client.post("/provider/uploads/new", data=data, content_type="multipart/form-data")


def test_xlsx_upload_end_to_end(staff_client, world, db_session):
    content = xlsx_bytes([row(), row(license_or_npi="A999999"), row(credits="99", last_name="")])
    response = post_file(staff_client, content, "learners.xlsx")
    assert response.status_code == 302
    detail = staff_client.get(response.headers["Location"])
    assert detail.status_code == 200
    upload = db_session.scalar(sa.select(Upload).order_by(Upload.id.desc()))
    assert (upload.status, upload.created_count, upload.rejected_count) == ("done", 2, 1)
    # The audit standings of the matched learner were brought up to date after the job.
    matched = db_session.scalar(
        sa.select(Completion.licensee_id).where(
            Completion.last_upload_id == upload.id, Completion.licensee_id.is_not(None)
        )
    )
    assert db_session.get(AuditStanding, matched).status != "no credit"
    assert not db_session.scalar(sa.select(sa.func.count()).select_from(StaleStanding))
    assert b"More than the activity" in detail.data and b"Required." in detail.data
    rejected_only = staff_client.get(f"/provider/uploads/{upload.id}?outcome=rejected")
    assert rejected_only.data.count(b"outcome-rejected") == 1
    progress = staff_client.get(f"/provider/uploads/{upload.id}/progress").get_json()
    assert progress["status"] == "done" and progress["done"] == 3

    report = staff_client.get(f"/provider/uploads/{upload.id}/report.xlsx")
    sheet = load_workbook(io.BytesIO(report.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Row", "Outcome", "Problems")
    assert rows[3][1] == "Rejected" and "Number of CME Credits" in rows[3][2]


def test_unmatched_record_can_be_corrected(staff_client, world, db_session):
    post_file(staff_client, csv_bytes([row(last_name="Dough")]), "a.csv")
    completion = db_session.scalar(sa.select(Completion))
    assert completion.match_status == "identity_mismatch"
    queue = staff_client.get("/provider/unmatched")
    assert b"Dough" in queue.data and b"last name or the date of birth differs" in queue.data
    assert b"Jane Doe" not in queue.data.replace(b"Jane Dough", b"")  # no roster data shown
    response = staff_client.post(
        f"/provider/unmatched/{completion.id}",
        data={
            "first_name": "Jane",
            "last_name": "Doe",
            "date_of_birth": "04/12",
            "licensing_state": "CA",
            "license_or_npi": "A123456",
        },
    )
    assert response.status_code == 302
    db_session.refresh(completion)
    assert completion.match_status == "matched" and completion.version == 2
    history = staff_client.get(f"/provider/completions/{completion.id}")
    assert b"Dough" in history.data and b"Matched to a licensee" in history.data


def test_web_form_shows_errors_inline_and_stores_nothing(staff_client, world, db_session):
    form = completion_form(completion_date="01/01/2000", date_of_birth="02/30")
    response = staff_client.post("/provider/completions/new", data=form)
    assert response.status_code == 200
    assert b"Outside the activity" in response.data and b"Not a real month and day" in response.data
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Upload)) == 0
    good = {**form, "completion_date": "", "date_of_birth": "04/12"}
    good["completion_date"] = world.activity.starts_on.strftime("%m/%d/%Y")
    response = staff_client.post("/provider/completions/new", data=good)
    assert response.status_code == 302
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 1


def test_web_form_requires_permission(staff_client, world):
    response = staff_client.post("/provider/completions/new", data={"activity_id": "ACT-1"})
    assert b"confirm the learner" in response.data


def test_activity_create_edit_and_duplicate_id(staff_client, world, db_session):
    form = activity_form()
    assert staff_client.post("/provider/activities/new", data=form).status_code == 302
    activity = db_session.scalar(sa.select(Activity).where(Activity.activity_code == "NEW-1"))
    assert [t.code for t in activity.topics] == ["substance_use"]
    duplicate = staff_client.post(
        "/provider/activities/new", data={**form, "activity_code": "ACT-1"}
    )
    assert b"already has this Activity ID" in duplicate.data
    bad_credits = staff_client.post(
        "/provider/activities/new", data={**form, "activity_code": "X", "max_credits": "1.1"}
    )
    assert b"quarter-hour" in bad_credits.data
    huge_credits = staff_client.post(
        "/provider/activities/new", data={**form, "activity_code": "X", "max_credits": "1E+30"}
    )
    assert huge_credits.status_code == 200 and b"at most 10,000" in huge_credits.data
    not_a_number = staff_client.post(
        "/provider/activities/new", data={**form, "activity_code": "X", "max_credits": "NaN"}
    )
    assert not_a_number.status_code == 200 and b"at most 10,000" in not_a_number.data
    edited = staff_client.post(
        f"/provider/activities/{activity.id}/edit", data={**form, "title": "Renamed"}
    )
    assert edited.status_code == 302
    assert b"Renamed" in staff_client.get("/provider/activities?q=renam").data


def test_activities_import_from_xlsx(staff_client, world, db_session):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Activity ID",
            "Title",
            "Type",
            "Start Date",
            "End Date",
            "Maximum Credits",
            "Credit Types",
            "Topics",
        ]
    )
    sheet.append(
        [
            "IMP-1",
            "Geriatrics today",
            "Live course",
            "01/01/2026",
            "01/31/2026",
            2,
            "AMA PRA Category 1",
            "Geriatric medicine",
        ]
    )
    sheet.append(["IMP-2", "Broken", "Nonsense", "01/01/2026", "01/31/2026", 2, "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = staff_client.post(
        "/provider/activities/import",
        data={"file": (io.BytesIO(buffer.getvalue()), "acts.xlsx")},
        content_type="multipart/form-data",
    )
    text = response.data.decode()
    assert "1 created" in text and "1 rejected" in text, text[text.find("<main") :]
    imported = db_session.scalar(sa.select(Activity).where(Activity.activity_code == "IMP-1"))
    assert imported.activity_type == "live" and imported.topics[0].code == "geriatrics"


def test_template_has_the_header_and_instructions(staff_client, world):
    response = staff_client.get("/provider/uploads/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    assert workbook.sheetnames == ["Completions", "Instructions", "Lists"]
    header = next(workbook["Completions"].iter_rows(values_only=True))
    assert header[:3] == ("Record Action", "Activity ID", "Completion Date")


def test_xsd_is_served_publicly(client):
    with client.get("/schemas/completions-v1.xsd") as response:
        assert response.status_code == 200 and b"CompletionBatch" in response.data


def test_prevalidation_reports_each_learner_and_stores_nothing(staff_client, world, db_session):
    header = [
        "First Name",
        "Last Name",
        "Date of Birth (MM/DD)",
        "Licensing State",
        "Licensing ID or NPI",
    ]
    content = "\n".join(
        [
            ",".join(header),
            "Jane,Doe,04/12,CA,A123456",
            "Jane,Smith,04/12,CA,A123456",
            "Al,Bo,13/01,CA,A1",
        ]
    ).encode()
    response = staff_client.post(
        "/provider/prevalidate",
        data={"file": (io.BytesIO(content), "l.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert b'>3</span><span class="stat-label">learners' in response.data
    assert b'>1</span><span class="stat-label">matched' in response.data
    assert b"Not a real month and day" in response.data
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 0


def test_oversized_upload_gets_a_413_page(app, staff_client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = post_file(staff_client, b"x" * 5000, "big.csv")
    assert response.status_code == 413 and b"File too large" in response.data


def test_failed_upload_is_shown_and_can_be_retried(staff_client, world, db_session, monkeypatch):
    real = services.process_upload
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr("passport.reporting.jobs.process_upload", flaky)
    response = post_file(staff_client, xml_bytes([row()]), "a.xml")
    page = staff_client.get(response.headers["Location"])
    assert b"was not applied" in page.data and b"Retry" in page.data
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 0
    upload = db_session.scalar(sa.select(Upload))
    retried = staff_client.post(f"/provider/uploads/{upload.id}/retry")
    assert retried.status_code == 302
    db_session.refresh(upload)
    assert upload.status == "done" and upload.created_count == 1


def test_refused_file_is_reported_not_stored(staff_client, world, db_session):
    response = post_file(staff_client, b"garbage", "a.xlsx")
    page = staff_client.get(response.headers["Location"])
    assert b"not an Excel .xlsx workbook" in page.data
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Completion)) == 0


def test_providers_see_only_their_own(app, world, db_session, staff_client):
    other_activity = factories.ActivityFactory(
        activity_code="THEIRS-1", title="Their secret course"
    )
    other_staff = factories.ProviderStaffFactory(provider=other_activity.provider)
    factories.CompletionFactory(activity=other_activity, last_name="Hidden")
    page = staff_client.get("/provider/activities")
    assert b"THEIRS-1" not in page.data and b"ACT-1" in page.data
    # Reporting against another provider's activity is refused row by row.
    post_file(staff_client, csv_bytes([row(activity_id="THEIRS-1")]), "a.csv")
    upload = db_session.scalar(sa.select(Upload).where(Upload.provider_id == world.provider.id))
    assert upload.rejected_count == 1
    other = sign_in_as(app.test_client(), other_staff)
    assert other.get(f"/provider/uploads/{upload.id}").status_code == 403
    assert b"Hidden" not in staff_client.get("/provider/unmatched").data


def test_a_duplicate_that_slips_past_the_check_is_a_clear_409(
    staff_client, world, db_session, monkeypatch
):
    """Two people saving the same Activity ID at the same moment both pass the check;
    the unique constraint stops the second, who gets a clear page, and nothing is half-saved."""
    monkeypatch.setattr("passport.reporting.activities.activity_id_holder", lambda *a: None)
    before = db_session.scalar(sa.select(sa.func.count()).select_from(Activity))
    response = staff_client.post(
        "/provider/activities/new",
        data={
            "activity_code": world.activity.activity_code,
            "title": "Raced",
            "activity_type": "live",
            "starts_on": "2026-01-01",
            "ends_on": "2026-01-02",
            "max_credits": "1",
            "credit_type_codes": ["AMA_PRA_1"],
        },
    )
    assert response.status_code == 409
    assert b"at the same moment" in response.data
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Activity)) == before
