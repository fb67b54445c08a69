"""Roster import: upsert by licence number, per-row outcomes, idempotent, inactive never
deleted, unmatched completions matched again."""

from __future__ import annotations

import io
from datetime import date, timedelta

import sqlalchemy as sa
from openpyxl import Workbook

from passport.compliance.models import AuditStanding, StaleStanding
from passport.models import Licensee
from passport.roster.importer import import_roster
from tests import factories
from tests.conftest import sign_in_as

HEADER = (
    "License Number,First Name,Last Name,Date of Birth (MM/DD),License Type,First Issued,"
    "Expires,Status,Specialty,NPI,Attests 25% of patients aged 65 or over,CME Waiver\n"
)
JANE = (
    "A700001,Jane,Doe,04/12,Physician and Surgeon,01/15/2010,2027-04-30,active,"
    "Internal Medicine,,Yes,No\n"
)
OMAR = " a 700002 ,Omar,Núñez,02/29,,2015-06-01,06/30/2027,,Radiology,,,\n"


def _file(tmp_path, text, name="roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(db_session, board_user, path, full=False, method="csv"):
    return import_roster(
        db_session,
        board=factories.board(),
        user_id=board_user.id,
        path=path,
        method=method,
        full_roster=full,
    )


def test_import_creates_then_the_same_file_changes_nothing(db_session, board_user, tmp_path):
    path = _file(tmp_path, HEADER + JANE + OMAR)
    first = _import(db_session, board_user, path)
    assert first.counts == {"created": 2}
    jane = db_session.scalars(sa.select(Licensee).where(Licensee.license_number == "A700001")).one()
    assert (jane.dob_month, jane.dob_day, jane.attests_geriatric_patients) == (4, 12, True)
    omar = db_session.scalars(sa.select(Licensee).where(Licensee.license_number == "A700002")).one()
    assert omar.expires_on == date(2027, 6, 30) and omar.status == "active"
    again = _import(db_session, board_user, path)
    assert again.counts == {"unchanged": 2}


def test_changed_rows_are_updated(db_session, board_user, tmp_path):
    _import(db_session, board_user, _file(tmp_path, HEADER + JANE))
    renewed = JANE.replace("2027-04-30", "2029-04-30")
    result = _import(db_session, board_user, _file(tmp_path, HEADER + renewed))
    assert result.counts == {"updated": 1}
    jane = db_session.scalars(sa.select(Licensee).where(Licensee.license_number == "A700001")).one()
    assert jane.expires_on == date(2029, 4, 30)


def test_rejected_rows_say_row_column_and_reason_and_store_nothing(
    db_session, board_user, tmp_path
):
    bad = "Z12,,Doe,02/30,,someday,2027-01-01,dormant,,123,maybe,\n"
    result = _import(db_session, board_user, _file(tmp_path, HEADER + JANE + bad + JANE))
    assert result.counts == {"created": 1, "rejected": 2}
    row = result.rejected[0]
    assert row.row_number == 3
    columns = {column for column, _ in row.errors}
    assert columns == {
        "License Number",
        "First Name",
        "Date of Birth (MM/DD)",
        "First Issued",
        "Status",
        "NPI",
        "Attests 25% of patients aged 65 or over",
    }
    assert result.rejected[1].errors[0][1] == "This licence number is already in the file."
    assert (
        db_session.scalar(
            sa.select(sa.func.count()).select_from(Licensee).where(Licensee.license_number == "Z12")
        )
        == 0
    )


def test_full_roster_marks_missing_licensees_inactive_never_deleted(
    db_session, board_user, tmp_path
):
    gone = factories.LicenseeFactory(license_number="A799999")
    result = _import(db_session, board_user, _file(tmp_path, HEADER + JANE), full=True)
    assert result.deactivated >= 1
    db_session.refresh(gone)
    assert (gone.on_latest_roster, gone.status) == (False, "inactive")
    # Another board's licensees are untouched.
    other = factories.LicenseeFactory(board=factories.board("CA-OMBC"), license_number="20A1")
    _import(db_session, board_user, _file(tmp_path, HEADER + JANE), full=True)
    db_session.refresh(other)
    assert other.on_latest_roster is True


def test_unmatched_completions_are_matched_after_import(db_session, board_user, tmp_path):
    waiting = factories.CompletionFactory(
        licensee=None,
        learner_key="CA:A700001",
        first_name="Jane",
        last_name="Doe",
        dob_month=4,
        dob_day=12,
        license_number="A700001",
        board_id=factories.board().id,
        match_status="no_such_license",
    )
    result = _import(db_session, board_user, _file(tmp_path, HEADER + JANE))
    assert result.rematched == 1
    db_session.refresh(waiting)
    assert waiting.match_status == "matched" and waiting.licensee_id is not None


def test_xlsx_roster_and_the_page(app, db_session, board_user, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            "A700003",
            "Ann",
            "Lee",
            "07/04",
            "",
            date(2011, 2, 1),
            date.today() + timedelta(days=40),
            "active",
            "",
            "",
            "No",
            "No",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = sign_in_as(app.test_client(), board_user)
    page = client.post(
        "/board/roster/",
        data={"file": (io.BytesIO(buffer.getvalue()), "roster.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Import finished" in page
    added = db_session.scalar(sa.select(Licensee).where(Licensee.license_number == "A700003"))
    assert added.last_name == "Lee"
    # Its audit standing was evaluated after the import, in the background job.
    assert db_session.get(AuditStanding, added.id).status == "no credit"
    assert not db_session.scalar(sa.select(sa.func.count()).select_from(StaleStanding))
    refused = client.post(
        "/board/roster/",
        data={"file": (io.BytesIO(b"not a workbook"), "roster.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Import finished" not in refused


def test_missing_columns_are_a_clear_error(app, board_user):
    client = sign_in_as(app.test_client(), board_user)
    page = client.post(
        "/board/roster/",
        data={"file": (io.BytesIO(b"License Number,First Name\nA1,Jo\n"), "roster.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "The header row lacks" in page and "Last Name" in page


def test_every_licensee_created_updated_or_deactivated_is_in_the_audit_trail(
    db_session, board_user, tmp_path
):
    from passport.trail.models import AuditEvent

    gone = factories.LicenseeFactory(license_number="A799998")
    _import(db_session, board_user, _file(tmp_path, HEADER + JANE + OMAR), full=True)
    changed_jane = JANE.replace("Jane", "Janet")
    _import(db_session, board_user, _file(tmp_path, HEADER + changed_jane + OMAR))
    trail = db_session.execute(
        sa.select(
            AuditEvent.action, AuditEvent.object_id, AuditEvent.detail, AuditEvent.actor_user_id
        )
        .where(AuditEvent.object_type == "licensee")
        .order_by(AuditEvent.id)
    ).all()
    jane = db_session.scalar(sa.select(Licensee).where(Licensee.first_name == "Janet"))
    omar = db_session.scalar(sa.select(Licensee).where(Licensee.license_number == "A700002"))
    assert ("licensee.created", jane.id, {"license_number": jane.license_number}) in [
        t[:3] for t in trail
    ]
    assert ("licensee.created", omar.id, {"license_number": "A700002"}) in [t[:3] for t in trail]
    assert ("licensee.deactivated", gone.id, None) in [t[:3] for t in trail]
    assert ("licensee.updated", jane.id) in [t[:2] for t in trail]
    assert {t[3] for t in trail} == {board_user.id}
