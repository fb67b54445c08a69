"""Working a sample without leaving it: each case's status and hours, how many are
decided, a verdict that returns to its case, one verdict for several cases, and the
export with its verdicts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from passport.audit.samples import draw_sample, record_verdicts
from passport.errors import NotFound, ValidationError
from passport.models import AuditEvent
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def sample(db_session, board_user):
    expires = date.today() + timedelta(days=30)
    for number in range(6):
        licensee = factories.LicenseeFactory(expires_on=expires, last_name=f"Case{number}")
        if number == 0:
            factories.CompletionFactory(licensee=licensee, credits="12.00")
    factories.LicenseeFactory(expires_on=expires, first_name="=HYPERLINK(1)", last_name="Formula")
    drawn = draw_sample(
        db_session,
        board_id=board_user.board_id,
        user_id=board_user.id,
        title="Spring",
        starts_on=expires,
        ends_on=expires,
        size_kind="count",
        size_value=7,
        seed=3,
    )
    db_session.commit()
    return drawn


def test_each_case_shows_its_status_hours_and_the_progress(app, db_session, board_user, sample):
    client = sign_in_as(app.test_client(), board_user)
    page = client.get(f"/board/samples/{sample.id}").get_data(as_text=True)
    assert "0 of 7 cases decided" in page
    assert "12.00 / 50.00" in page  # hours earned / required, from the kept standing
    assert "badge-short" in page or "badge-no-credit" in page
    for case in sample.cases:
        assert f'id="case-{case.id}"' in page


def test_a_verdict_returns_to_its_case_and_filter(app, db_session, board_user, sample):
    client = sign_in_as(app.test_client(), board_user)
    case = sample.cases[3]
    response = client.post(
        f"/board/samples/{sample.id}/cases/{case.id}",
        data={"status": "passed", "note": "", "verdicts": "open"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/board/samples/{sample.id}?verdicts=open#case-{case.id}"
    )
    page = client.get(f"/board/samples/{sample.id}").get_data(as_text=True)
    assert "1 of 7 cases decided" in page
    decided = client.get(f"/board/samples/{sample.id}?verdicts=decided").get_data(as_text=True)
    assert f'id="case-{case.id}"' in decided and f'id="case-{sample.cases[0].id}"' not in decided


def test_one_verdict_for_several_cases(app, db_session, board_user, sample):
    client = sign_in_as(app.test_client(), board_user)
    chosen = [sample.cases[1].id, sample.cases[2].id, sample.cases[4].id]
    response = client.post(
        f"/board/samples/{sample.id}/verdicts",
        data={"case_id": [str(case_id) for case_id in chosen], "status": "waived", "note": ""},
    )
    assert response.status_code == 302 and f"#case-{chosen[0]}" in response.headers["Location"]
    for case in sample.cases:
        db_session.refresh(case)
        assert case.status == ("waived" if case.id in chosen else "open")
    entries = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "audit_case.updated")
    ).all()
    assert sorted(entry.object_id for entry in entries) == sorted(chosen)
    assert all(entry.detail == {"status": "waived", "bulk": True} for entry in entries)
    assert "3 of 7 cases decided" in client.get(f"/board/samples/{sample.id}").get_data(
        as_text=True
    )


def test_bulk_verdicts_keep_notes_unless_given_and_refuse_strangers(db_session, board_user, sample):
    first, second = sample.cases[0], sample.cases[1]
    first.note = "Keep me"
    record_verdicts(
        db_session, sample=sample, case_ids=[first.id], user_id=board_user.id, status="passed"
    )
    assert first.note == "Keep me"
    record_verdicts(
        db_session,
        sample=sample,
        case_ids=[first.id, second.id],
        user_id=board_user.id,
        status="failed",
        note="Both short",
    )
    assert (first.note, second.note) == ("Both short", "Both short")
    with pytest.raises(ValidationError):
        record_verdicts(db_session, sample=sample, case_ids=[], user_id=1, status="passed")
    with pytest.raises(NotFound):
        record_verdicts(db_session, sample=sample, case_ids=[999_999], user_id=1, status="passed")


def test_export_with_verdicts(app, db_session, board_user, sample):
    client = sign_in_as(app.test_client(), board_user)
    case = sample.cases[0]
    client.post(
        f"/board/samples/{sample.id}/cases/{case.id}", data={"status": "failed", "note": "=1+2"}
    )
    response = client.get(f"/board/samples/{sample.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 7
    row = next(row for row in rows if row["Licence number"] == case.licensee.license_number)
    assert (row["Verdict"], row["Notes"], row["Decided by"]) == (
        "Failed",
        "'=1+2",
        board_user.email,
    )
    assert row["Hours required"] and row["Status"]
    formula = next(row for row in rows if row["Last name"] == "Formula")
    assert formula["First name"] == "'=HYPERLINK(1)"  # stays text in a spreadsheet
    workbook = load_workbook(
        io.BytesIO(client.get(f"/board/samples/{sample.id}/export.xlsx").data), read_only=True
    )
    values = list(workbook.active.iter_rows(values_only=True))
    assert values[0][8] == "Verdict" and len(values) == 8
    assert any(value == "'=HYPERLINK(1)" for value in (row[1] for row in values))
    workbook.close()
    log = client.get("/board/access-log").get_data(as_text=True)
    assert "Exported an audit sample" in log
