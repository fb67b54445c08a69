"""The board's audit worklist, drill-down, export and access log."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from passport.audit import worklist as worklist_module
from passport.audit.worklist import AuditFilters, worklist
from passport.models import AccessLogEntry, Topic
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def roster(db_session):
    """Three MBC licensees renewing soon (one complete, one short, one with nothing), one
    renewing later, and one of another board."""
    today = date.today()
    soon = today + timedelta(days=30)
    activity = factories.ActivityFactory(
        starts_on=today - timedelta(days=700), max_credits=Decimal(60)
    )
    activity.topics = [db_session.get(Topic, "pain_eol")]
    db_session.commit()
    complete = factories.LicenseeFactory(last_name="Complete", expires_on=soon)
    short = factories.LicenseeFactory(last_name="=Short", expires_on=soon, specialty="Radiology")
    idle = factories.LicenseeFactory(last_name="Idle", expires_on=soon)
    later = factories.LicenseeFactory(last_name="Later", expires_on=today + timedelta(days=400))
    other = factories.LicenseeFactory(
        board=factories.board("CA-OMBC"), license_number="20A5555", expires_on=soon
    )
    for licensee, hours in ((complete, "50"), (short, "20"), (later, "5"), (other, "50")):
        factories.CompletionFactory(activity=activity, licensee=licensee, credits=Decimal(hours))
    return {"complete": complete, "short": short, "idle": idle, "later": later, "other": other}


def _worklist(db_session, board_user, **args):
    return worklist(
        db_session, board_user.board_id, AuditFilters.from_args(MultiDict(args), date.today())
    )


def test_window_statuses_and_counts(db_session, board_user, roster):
    result = _worklist(db_session, board_user)
    by_name = {row.licensee.last_name: row for row in result.rows}
    assert set(by_name) == {"Complete", "=Short", "Idle"}  # not later, not another board
    assert by_name["Complete"].status == "meets" and by_name["Complete"].hours_earned == 50
    assert by_name["=Short"].status == "short" and by_name["=Short"].short_rules
    assert by_name["Idle"].status == "no credit"
    assert result.counts == {"meets": 1, "short": 1, "no credit": 1}
    assert sum(count for _, count in result.hours_histogram) == 3


def test_filters_search_and_sort(db_session, board_user, roster):
    assert [
        r.licensee.last_name for r in _worklist(db_session, board_user, status="short").rows
    ] == ["=Short"]
    assert len(_worklist(db_session, board_user, specialty="Radiology").rows) == 1
    found = _worklist(db_session, board_user, q=roster["idle"].license_number.lower())
    assert [r.licensee.last_name for r in found.rows] == ["Idle"]
    earned = [r.hours_earned for r in _worklist(db_session, board_user, sort="earned").rows]
    assert earned == sorted(earned)
    wide = _worklist(db_session, board_user, to=(date.today() + timedelta(days=500)).isoformat())
    assert wide.total == 4


def test_audit_page_drill_down_and_access_log(app, db_session, board_user, roster):
    client = sign_in_as(app.test_client(), board_user)
    page = client.get("/board/audit").get_data(as_text=True)
    assert roster["complete"].license_number in page and "Meets all requirements" in page
    assert roster["other"].license_number not in page
    detail = client.get(f"/board/licensees/{roster['short'].id}").get_data(as_text=True)
    assert "50 hours of AMA PRA Category 1" in detail and "Exempt" in detail  # radiologist
    entry = db_session.scalars(sa.select(AccessLogEntry)).one()
    assert (entry.user_id, entry.licensee_id, entry.action) == (
        board_user.id,
        roster["short"].id,
        "licensee.view",
    )
    log = client.get("/board/access-log").get_data(as_text=True)
    assert "licensee.view" in log and roster["short"].license_number in log


def test_exports_are_logged_and_neutralise_formulas(app, db_session, board_user, roster):
    client = sign_in_as(app.test_client(), board_user)
    with client.get("/board/audit.csv") as response:
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Licence number" and len(rows) == 4
    assert "'=Short" in [row[2] for row in rows]
    with client.get("/board/audit.xlsx?status=short") as response:
        sheet = load_workbook(io.BytesIO(response.data)).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][2] == "'=Short" and len(values) == 2
    actions = db_session.scalars(sa.select(AccessLogEntry.action)).all()
    assert actions == ["audit.export", "audit.export"]


def test_physician_sees_the_evaluation_of_each_linked_licence(app, db_session, roster):
    link = factories.LicenseLinkFactory(licensee=roster["short"])
    page = sign_in_as(app.test_client(), link.user).get("/physician/transcript")
    text = page.get_data(as_text=True)
    assert "Your requirements for renewal" in text and "30.00 short" in text


def test_pages_sorts_and_histogram_come_from_sql(db_session, board_user, monkeypatch):
    monkeypatch.setattr(worklist_module, "PAGE_SIZE", 10)
    activity = factories.ActivityFactory(
        starts_on=date.today() - timedelta(days=700), max_credits=Decimal(80)
    )
    hours = [0, 5, 9.75, 10, 25, 49.75, 50, 59.75, 60, 75] * 2 + [0, 12, 33, 50, 61]
    for n, earned in enumerate(hours):
        licensee = factories.LicenseeFactory(
            last_name=f"{'aAbB'[n % 4]}name{n:02d}", expires_on=date.today() + timedelta(days=n)
        )
        if earned:
            factories.CompletionFactory(
                activity=activity, licensee=licensee, credits=Decimal(str(earned))
            )
    first = _worklist(db_session, board_user)
    assert (first.total, first.pages, len(first.rows)) == (25, 3, 10)
    last = _worklist(db_session, board_user, page="99")  # clamped to the last page
    assert (last.page, len(last.rows)) == (3, 5)
    every = [
        row
        for page in (1, 2, 3)
        for row in _worklist(db_session, board_user, sort="status", page=str(page)).rows
    ]
    assert len({row.licensee.id for row in every}) == 25  # no row twice, none missing
    order = [worklist_module.STATUS_ORDER[row.status] for row in every]
    assert order == sorted(order)
    bands = [min(int(Decimal(str(h)) // 10), 6) for h in hours]
    assert [count for _, count in first.hours_histogram] == [bands.count(b) for b in range(7)]
    names = [
        row.licensee.last_name.lower()
        for page in (1, 2, 3)
        for row in _worklist(db_session, board_user, sort="name", page=str(page)).rows
    ]
    assert names == sorted(names)
