"""Invitations end to end: sent through a real SMTP server, opened from the e-mail's
link, accepted once, refused when expired, withdrawn, sent again or for another tenant."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from passport.accounts.models import Invitation, User
from passport.db import utcnow
from passport.trail.models import AuditEvent
from tests import factories
from tests.conftest import sign_in_as

NEW_PASSWORD = "a brand new long passphrase"


def _invite(client, *, email, role, board_id="", provider_id="", staff_admin=False, **extra):
    data = {
        "email": email,
        "first_name": "Robin",
        "last_name": "Newcomer",
        "role": role,
        "board_id": board_id,
        "provider_id": provider_id,
        "next": "/admin/",
        **extra,
    }
    if staff_admin:
        data["staff_admin"] = "y"
    return client.post("/staff/invitations", data=data)


def _path(link: str) -> str:
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == "http://passport.test"  # PASSPORT_BASE_URL
    return parts.path


def _accept(client, path, password=NEW_PASSWORD):
    return client.post(path, data={"new_password": password, "confirm": password})


def _actions(db_session, object_type, object_id):
    return list(
        db_session.scalars(
            sa.select(AuditEvent.action).where(
                AuditEvent.object_type == object_type, AuditEvent.object_id == object_id
            )
        )
    )


def test_provider_staff_invited_by_e_mail_accept_once(app, admin_client, smtp_server, db_session):
    provider = factories.ProviderFactory(name="Sierra CME")
    response = _invite(
        admin_client, email="Robin@Sierra.example", role="provider", provider_id=provider.id
    )
    assert response.status_code == 302
    message = smtp_server.last_to("robin@sierra.example")
    assert "Sierra CME" in message.get_content()
    path = _path(smtp_server.link_in(message, "/invitations/"))

    invitee = app.test_client()
    page = invitee.get(path)
    assert page.status_code == 200 and b"Sierra CME" in page.data
    response = _accept(invitee, path)
    assert response.status_code == 302
    assert invitee.get("/provider/").status_code == 200  # signed in, as the provider's staff

    user = db_session.scalar(sa.select(User).where(User.email == "robin@sierra.example"))
    assert (user.role, user.provider_id, user.is_staff_admin) == ("provider", provider.id, False)
    assert user.email_verified_at is not None
    invitation = db_session.scalar(sa.select(Invitation).where(Invitation.email == user.email))
    assert invitation.accepted_user_id == user.id
    assert _actions(db_session, "invitation", invitation.id) == [
        "invitation.sent",
        "invitation.accepted",
    ]
    assert "user.created" in _actions(db_session, "user", user.id)

    # The link works once.
    again = app.test_client()
    assert again.get(path).status_code == 400
    assert b"already used" in again.get(path).data
    assert _accept(again, path, "another long passphrase here").status_code == 400


def test_board_staff_enrol_two_factor_before_anything_else(app, admin_client, smtp_server):
    board = factories.board("CA-OMBC")
    _invite(admin_client, email="new.auditor@ombc.example", role="board", board_id=board.id)
    message = smtp_server.last_to("new.auditor@ombc.example")
    assert "two-factor" in message.get_content()
    invitee = app.test_client()
    response = _accept(invitee, _path(smtp_server.link_in(message, "/invitations/")))
    assert response.headers["Location"].endswith("/account/two-factor")
    board_page = invitee.get("/board/")
    assert board_page.status_code == 302
    assert board_page.headers["Location"].endswith("/account/two-factor")


def test_an_expired_link_is_refused_and_sending_again_replaces_it(
    app, admin_client, smtp_server, db_session
):
    provider = factories.ProviderFactory()
    _invite(admin_client, email="late@provider.example", role="provider", provider_id=provider.id)
    first = _path(smtp_server.link_in(smtp_server.last_to("late@provider.example"), "/invit"))
    invitation = db_session.scalar(
        sa.select(Invitation).where(Invitation.email == "late@provider.example")
    )
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db_session.commit()

    invitee = app.test_client()
    refused = invitee.get(first)
    assert refused.status_code == 400 and b"expired" in refused.data

    response = admin_client.post(
        f"/staff/invitations/{invitation.id}/resend", data={"next": "/admin/"}
    )
    assert response.status_code == 302
    assert len(smtp_server.to("late@provider.example")) == 2
    second = _path(smtp_server.link_in(smtp_server.last_to("late@provider.example"), "/invit"))
    assert second != first
    assert invitee.get(first).status_code == 400  # the earlier link no longer works
    assert _accept(invitee, second).status_code == 302
    assert "invitation.resent" in _actions(db_session, "invitation", invitation.id)


def test_a_withdrawn_invitation_cannot_be_accepted(app, admin_client, smtp_server, db_session):
    provider = factories.ProviderFactory()
    _invite(admin_client, email="nope@provider.example", role="provider", provider_id=provider.id)
    path = _path(smtp_server.link_in(smtp_server.last_to("nope@provider.example"), "/invit"))
    invitation = db_session.scalar(
        sa.select(Invitation).where(Invitation.email == "nope@provider.example")
    )
    admin_client.post(f"/staff/invitations/{invitation.id}/withdraw", data={"next": "/admin/"})
    page = app.test_client().get(path)
    assert page.status_code == 400 and b"withdrawn" in page.data
    assert db_session.scalar(sa.select(User).where(User.email == "nope@provider.example")) is None


def test_staff_administrators_invite_to_their_own_tenant_only(app, smtp_server, db_session):
    mine = factories.ProviderStaffFactory(is_staff_admin=True)
    other = factories.ProviderFactory()
    client = sign_in_as(app.test_client(), mine)

    for tenant in (
        {"role": "provider", "provider_id": other.id},
        {"role": "board", "board_id": factories.board().id},
        {"role": "admin"},
    ):
        assert _invite(client, email="x@elsewhere.example", **tenant).status_code == 403
    assert smtp_server.messages == []

    response = _invite(
        client,
        email="colleague@mine.example",
        role="provider",
        provider_id=mine.provider_id,
        staff_admin=True,
        next="/staff/",
    )
    assert response.headers["Location"].endswith("/staff/")
    invitee = app.test_client()
    path = _path(smtp_server.link_in(smtp_server.last_to("colleague@mine.example"), "/invit"))
    _accept(invitee, path)
    joined = db_session.scalar(sa.select(User).where(User.email == "colleague@mine.example"))
    assert (joined.provider_id, joined.is_staff_admin) == (mine.provider_id, True)
    assert invitee.get("/staff/").status_code == 200  # a staff administrator in turn


def test_staff_without_the_flag_cannot_invite(app, provider_client, provider_user):
    response = _invite(
        provider_client,
        email="x@mine.example",
        role="provider",
        provider_id=provider_user.provider_id,
    )
    assert response.status_code == 403
    assert provider_client.get("/staff/").status_code == 403


def test_an_address_with_an_account_is_not_invited(
    admin_client, physician, smtp_server, db_session
):
    provider = factories.ProviderFactory()
    response = _invite(
        admin_client, email=physician.email, role="provider", provider_id=provider.id
    )
    assert response.status_code == 302
    page = admin_client.get("/admin/")
    assert b"already uses that address" in page.data
    assert smtp_server.messages == []


def test_a_deactivated_providers_invitation_no_longer_opens(
    app, admin_client, smtp_server, db_session
):
    provider = factories.ProviderFactory()
    _invite(admin_client, email="gone@provider.example", role="provider", provider_id=provider.id)
    path = _path(smtp_server.link_in(smtp_server.last_to("gone@provider.example"), "/invit"))
    admin_client.post(f"/admin/providers/{provider.id}/active", data={"active": "0"})
    assert app.test_client().get(path).status_code == 400


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43])
def test_a_made_up_link_is_refused(client, token):
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 400 and b"not valid" in response.data


def test_an_invitation_names_one_tenant_of_its_role(admin_client, smtp_server):
    provider = factories.ProviderFactory()
    for tenant in (
        {"role": "board"},
        {"role": "provider", "provider_id": provider.id, "board_id": factories.board().id},
    ):
        _invite(admin_client, email="mixed@up.example", **tenant)
        assert b"Invite board staff to a board" in admin_client.get("/admin/").data
    assert smtp_server.messages == []
