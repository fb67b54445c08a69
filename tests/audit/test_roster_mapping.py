"""Issue 22, board side: roster columns mapped forgivingly, an unknown column shown and the
import waiting for the board, a full roster previewed before it marks anyone inactive, the
history of imports, and the roster template."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from passport.models import Licensee, RosterImport
from passport.roster.importer import field_for_title
from tests import factories
from tests.conftest import sign_in_as

SNAKE = (
    "license_number,first_name,last_name,dob_mmdd,first_issued_on,expires_on,"
    "geriatric_over_25pct,email\n"
    "A700001,Jane,Doe,04/12,2010-01-15,2027-04-30,Yes,jane@example.org\n"
)


def _post(client, text: str, full: bool = False, name="roster.csv"):
    data = {"file": (io.BytesIO(text.encode()), name)}
    if full:
        data["full_roster"] = "y"
    return client.post("/board/roster/", data=data, content_type="multipart/form-data")


def test_columns_are_mapped_forgivingly():
    assert [
        field_for_title(t)
        for t in (
            "dob_mmdd",
            "first_issued_on",
            "expires_on",
            "geriatric_over_25pct",
            "E-mail",
            "email",
        )
    ] == ["dob", "first_issued_on", "expires_on", "attests_geriatric_patients", "email", "email"]


def test_snake_case_roster_imports_at_once_with_every_fact(app, db_session, board_user):
    client = sign_in_as(app.test_client(), board_user)
    page = _post(client, SNAKE).get_data(as_text=True)
    assert "Import finished" in page and "Earlier imports" in page
    jane = db_session.scalar(sa.select(Licensee).where(Licensee.license_number == "A700001"))
    assert jane.attests_geriatric_patients is True and jane.email == "jane@example.org"
    entry = db_session.scalar(sa.select(RosterImport))
    assert entry.status == "done" and entry.counts["created"] == 1


def test_an_unknown_column_waits_for_the_board(app, db_session, board_user):
    text = SNAKE.replace("geriatric_over_25pct", "pct_patients_over_65")
    client = sign_in_as(app.test_client(), board_user)
    response = _post(client, text)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing is imported yet" in page and "pct_patients_over_65" in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Licensee)) == 0
    url = response.headers["Location"]
    waiting = client.post(url, data={"action": "import"}).get_data(as_text=True)
    assert "Map or ignore every column first" in waiting
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Licensee)) == 0
    done = client.post(url, data={"action": "import", "column-6": "attests_geriatric_patients"})
    assert "Import finished" in done.get_data(as_text=True)
    jane = db_session.scalar(sa.select(Licensee))
    assert jane.attests_geriatric_patients is True
    assert db_session.scalar(sa.select(RosterImport.status)) == "done"


def test_an_ignored_column_is_the_boards_choice(app, db_session, board_user):
    text = SNAKE.replace("email", "favourite_color")
    client = sign_in_as(app.test_client(), board_user)
    url = _post(client, text).headers["Location"]
    client.post(url, data={"action": "import", "column-7": "ignore"})
    assert db_session.scalar(sa.select(Licensee.email)) is None


def test_a_full_roster_previews_who_it_marks_inactive(app, db_session, board_user):
    factories.LicenseeFactory(board=factories.board(), license_number="A600001")
    factories.LicenseeFactory(board=factories.board(), license_number="A600002")
    client = sign_in_as(app.test_client(), board_user)
    response = _post(client, SNAKE, full=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "would mark 2 licensees inactive" in page and "A600001, A600002" in page
    statuses = set(db_session.scalars(sa.select(Licensee.status)))
    assert statuses == {"active"}  # nothing marked before the board confirms
    done = client.post(response.headers["Location"], data={"action": "import"})
    assert "2 marked inactive" in done.get_data(as_text=True)
    assert (
        db_session.scalar(
            sa.select(sa.func.count()).select_from(Licensee).where(Licensee.status == "inactive")
        )
        == 2
    )


def test_a_cancelled_import_changes_nothing(app, db_session, board_user):
    factories.LicenseeFactory(board=factories.board(), license_number="A600001")
    client = sign_in_as(app.test_client(), board_user)
    url = _post(client, SNAKE, full=True).headers["Location"]
    client.post(url, data={"action": "cancel"})
    assert db_session.scalar(sa.select(RosterImport.status)) == "cancelled"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Licensee)) == 1
    history = client.get("/board/roster/").get_data(as_text=True)
    assert "cancelled" in history


def test_the_roster_template(app, board_user):
    client = sign_in_as(app.test_client(), board_user)
    workbook = load_workbook(io.BytesIO(client.get("/board/roster/template.xlsx").data))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    assert header[0] == "License Number" and "E-mail" in header
    assert sheet["D2"].value == "04/12" and sheet["D2"].number_format == "@"
    assert all(field_for_title(title) for title in header)
