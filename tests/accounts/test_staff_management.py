"""Disabling and re-enabling accounts, resetting a colleague's two-factor sign-in, and
staff administrators kept to their own board's or provider's staff."""

from __future__ import annotations

import sqlalchemy as sa

from passport.accounts.models import RecoveryCode, UserSession
from passport.trail.models import AuditEvent
from tests import factories
from tests.conftest import TEST_PASSWORD, sign_in_as


def _sign_in(client, user):
    return client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})


def _trail(db_session, user):
    return list(
        db_session.execute(
            sa.select(AuditEvent.action, AuditEvent.actor_user_id)
            .where(AuditEvent.object_type == "user", AuditEvent.object_id == user.id)
            .order_by(AuditEvent.id)
        )
    )


def test_disabling_ends_a_live_session_at_once(app, admin_client, admin_user, db_session):
    leaver = factories.ProviderStaffFactory()
    session_of_leaver = sign_in_as(app.test_client(), leaver)
    assert session_of_leaver.get("/provider/").status_code == 200

    response = admin_client.post(f"/staff/users/{leaver.id}/disable", data={"next": "/admin/"})
    assert response.status_code == 302
    refused = session_of_leaver.get("/provider/")
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]
    assert (
        db_session.scalar(
            sa.select(sa.func.count())
            .select_from(UserSession)
            .where(UserSession.user_id == leaver.id)
        )
        == 0
    )
    # Cannot sign in again; the same answer as a wrong password.
    again = app.test_client()
    assert b"do not match" in _sign_in(again, leaver).data

    admin_client.post(f"/staff/users/{leaver.id}/enable", data={"next": "/admin/"})
    assert _sign_in(again, leaver).status_code == 302
    assert again.get("/provider/").status_code == 200
    assert _trail(db_session, leaver)[-2:] == [
        ("user.disabled", admin_user.id),
        ("user.enabled", admin_user.id),
    ]


def test_resetting_two_factor_makes_them_enrol_again_and_tells_them(
    app, admin_client, admin_user, smtp_server, db_session
):
    auditor = factories.BoardStaffFactory()
    db_session.add(RecoveryCode(user_id=auditor.id, code_digest="0" * 64))
    db_session.commit()
    live = sign_in_as(app.test_client(), auditor)

    response = admin_client.post(
        f"/staff/users/{auditor.id}/reset-two-factor", data={"next": "/admin/"}
    )
    assert response.status_code == 302
    db_session.refresh(auditor)
    assert auditor.totp_secret is None and not auditor.has_two_factor
    assert (
        db_session.scalar(
            sa.select(sa.func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == auditor.id)
        )
        == 0
    )
    assert live.get("/board/").status_code == 302  # signed out everywhere

    notice = smtp_server.last_to(auditor.email)
    assert "reset the two-factor sign-in" in notice.get_content()
    assert "http://passport.test/sign-in" in notice.get_content()

    client = app.test_client()
    response = _sign_in(client, auditor)  # no code asked for: there is none to ask
    assert response.headers["Location"].endswith("/account/two-factor")
    assert client.get("/board/").headers["Location"].endswith("/account/two-factor")
    assert ("user.two_factor_reset", admin_user.id) in _trail(db_session, auditor)


def test_staff_administrators_manage_their_own_colleagues_only(app, db_session, smtp_server):
    lead = factories.ProviderStaffFactory(is_staff_admin=True)
    colleague = factories.ProviderStaffFactory(provider=lead.provider)
    stranger = factories.ProviderStaffFactory()
    board_staff = factories.BoardStaffFactory()
    admin = factories.AdminFactory()
    client = sign_in_as(app.test_client(), lead)

    page = client.get("/staff/")
    assert page.status_code == 200
    assert colleague.email.encode() in page.data
    assert stranger.email.encode() not in page.data

    for other in (stranger, board_staff, admin):
        for action in ("disable", "enable", "reset-two-factor"):
            assert client.post(f"/staff/users/{other.id}/{action}").status_code == 403
        assert (
            client.post(f"/staff/users/{other.id}/staff-admin", data={"staff_admin": "1"})
        ).status_code == 403

    assert client.post(f"/staff/users/{colleague.id}/disable").status_code == 302
    db_session.refresh(colleague)
    assert not colleague.is_active_account
    client.post(f"/staff/users/{colleague.id}/staff-admin", data={"staff_admin": "1"})
    db_session.refresh(colleague)
    assert colleague.is_staff_admin

    # Nobody disables themselves from here.
    response = client.post(f"/staff/users/{lead.id}/disable", follow_redirects=True)
    assert b"your own account" in response.data
    db_session.refresh(lead)
    assert lead.is_active_account


def test_a_board_staff_administrator_resets_a_colleagues_two_factor(app, smtp_server, db_session):
    lead = factories.BoardStaffFactory(is_staff_admin=True)
    colleague = factories.BoardStaffFactory()
    client = sign_in_as(app.test_client(), lead)
    assert client.post(f"/staff/users/{colleague.id}/reset-two-factor").status_code == 302
    db_session.refresh(colleague)
    assert not colleague.has_two_factor
    assert smtp_server.last_to(colleague.email)


def test_destructive_actions_ask_first_without_script(admin_client):
    staff = factories.ProviderStaffFactory()
    page = admin_client.get(f"/admin/providers/{staff.provider_id}").data.decode()
    assert "<details" in page and "Disable the account" in page
    assert "<script>" not in page and "onclick" not in page
    assert admin_client.get("/staff/users/1/disable").status_code == 405  # POST only
