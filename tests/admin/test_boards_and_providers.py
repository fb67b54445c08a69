"""Administrators bring boards and providers on from the web, change them, and take them
off without losing their history; a board's correction of when reporting began reaches
the evaluation and the kept standings."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from passport.compliance.standings import requirements_version
from passport.models import Activity, Board, Provider
from passport.requirements.rules import requirement_set_for
from passport.roster.requirement_sets import requirement_set_of
from passport.trail.models import AuditEvent
from tests import factories
from tests.conftest import TEST_PASSWORD, sign_in_as

BOARD = {
    "code": "nv-bme",
    "name": "Nevada State Board of Medical Examiners",
    "state": "nv",
    "requirement_set": "CA-MBC",
    "reporting_began_on": "",
    "license_pattern": "[0-9]{4,6}",
    "license_example": "12345",
}


def _trail(db_session, object_type, object_id):
    return list(
        db_session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id)
        )
    )


def test_an_admin_adds_and_changes_a_board(admin_client, admin_user, db_session):
    response = admin_client.post("/admin/boards/new", data=BOARD)
    assert response.status_code == 302
    board = db_session.scalar(sa.select(Board).where(Board.code == "NV-BME"))
    assert (board.state, board.requirement_set, board.active) == ("NV", "CA-MBC", True)
    page = admin_client.get(response.headers["Location"])
    assert b"When reporting began" in page.data and b"11/01/2023" in page.data

    changed = BOARD | {"code": "NV-BME", "name": "Nevada Medical Board"}
    admin_client.post(f"/admin/boards/{board.id}", data=changed)
    db_session.refresh(board)
    assert board.name == "Nevada Medical Board"
    assert _trail(db_session, "board", board.id) == ["board.created", "board.updated"]
    event = db_session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "board.updated"))
    assert event.actor_user_id == admin_user.id and "name" in event.detail


def test_a_board_is_checked_before_it_is_saved(admin_client, db_session):
    bad = BOARD | {"license_pattern": "[0-9", "code": "NV-XY"}
    page = admin_client.post("/admin/boards/new", data=bad)
    assert page.status_code == 200 and b"not a regular expression" in page.data
    taken = admin_client.post("/admin/boards/new", data=BOARD | {"code": "CA-MBC"})
    assert b"already has the code" in taken.data
    mismatch = admin_client.post("/admin/boards/new", data=BOARD | {"license_example": "A1"})
    assert b"does not fit the pattern" in mismatch.data
    assert db_session.scalar(sa.select(Board).where(Board.code.like("NV-%"))) is None


def test_correcting_when_reporting_began_reaches_the_evaluation(admin_client, db_session):
    board = factories.board()
    before = requirements_version(requirement_set_of(board))
    fields = {
        "code": board.code,
        "name": board.name,
        "state": board.state,
        "requirement_set": "CA-MBC",
        "reporting_began_on": "2024-01-01",
        "license_pattern": board.license_pattern,
        "license_example": board.license_example,
    }
    admin_client.post(f"/admin/boards/{board.id}", data=fields)
    db_session.refresh(board)
    rs = requirement_set_of(board)
    assert rs.reporting_began_on == date(2024, 1, 1)
    assert requirement_set_for("CA-MBC").reporting_began_on == date(2023, 11, 1)  # file kept
    assert requirements_version(rs) != before  # the standings are evaluated again
    page = admin_client.get(f"/admin/boards/{board.id}")
    assert b"01/01/2024" in page.data and b"corrected here" in page.data


def test_a_deactivated_board_signs_its_staff_out(app, admin_client, db_session):
    board = factories.board("CA-OMBC")
    auditor = factories.BoardStaffFactory(board=board)
    live = sign_in_as(app.test_client(), auditor)
    assert live.get("/board/").status_code == 200
    admin_client.post(f"/admin/boards/{board.id}/active", data={"active": "0"})
    assert live.get("/board/").status_code == 302
    response = app.test_client().post(
        "/sign-in", data={"email": auditor.email, "password": TEST_PASSWORD}
    )
    assert b"do not match" in response.data
    admin_client.post(f"/admin/boards/{board.id}/active", data={"active": "1"})
    assert _trail(db_session, "board", board.id)[-2:] == ["board.deactivated", "board.reactivated"]


def test_an_admin_adds_a_provider_and_deactivates_it_keeping_its_data(
    app, admin_client, db_session
):
    response = admin_client.post(
        "/admin/providers/new",
        data={
            "accme_id": "acc-7001",
            "name": "Desert CME",
            "contact_name": "Dana Desk",
            "contact_email": "Dana@Desert.example",
            "contact_phone": "",
        },
    )
    assert response.status_code == 302
    provider = db_session.scalar(sa.select(Provider).where(Provider.accme_id == "ACC-7001"))
    assert (provider.contact_email, provider.active) == ("dana@desert.example", True)
    duplicate = admin_client.post(
        "/admin/providers/new", data={"accme_id": "ACC-7001", "name": "Again"}
    )
    assert b"already has the ACCME provider ID" in duplicate.data

    staff = factories.ProviderStaffFactory(provider=provider)
    factories.ActivityFactory(provider=provider)
    live = sign_in_as(app.test_client(), staff)
    assert live.get("/provider/").status_code == 200
    page = admin_client.get(f"/admin/providers/{provider.id}")
    assert b"Deactivate Desert CME" in page.data and staff.email.encode() in page.data

    admin_client.post(f"/admin/providers/{provider.id}/active", data={"active": "0"})
    assert live.get("/provider/").status_code == 302  # signed out at once
    db_session.refresh(provider)
    assert not provider.active
    assert (
        db_session.scalar(
            sa.select(sa.func.count())
            .select_from(Activity)
            .where(Activity.provider_id == provider.id)
        )
        == 1
    )
    assert b"Deactivated" in admin_client.get("/admin/").data
    assert _trail(db_session, "provider", provider.id) == [
        "provider.created",
        "provider.deactivated",
    ]


def test_create_provider_from_the_command_line(app, db_session):
    result = app.test_cli_runner().invoke(
        args=["create-provider", "--accme-id", "CLI-0001", "--name", "Command Line CME"]
    )
    assert result.exit_code == 0, result.output
    assert "Created provider CLI-0001" in result.output
    provider = db_session.scalar(sa.select(Provider).where(Provider.accme_id == "CLI-0001"))
    assert provider is not None and provider.active
    again = app.test_cli_runner().invoke(
        args=["create-provider", "--accme-id", "CLI-0001", "--name", "Again"]
    )
    assert again.exit_code != 0 and "already has" in again.output
