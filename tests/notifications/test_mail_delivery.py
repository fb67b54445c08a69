"""E-mail notifications against a real SMTP server on 127.0.0.1: who gets which message,
its two parts and unsubscribe headers, the link working once, preferences, security
messages, failures retried and shown to administrators, and STARTTLS/TLS with a login."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from passport.db import utcnow
from passport.extensions import db
from passport.models import EmailOptOut, Notification
from passport.notifications import delivery
from passport.transcripts import discrepancies
from tests import factories
from tests.conftest import sign_in_as
from tests.notifications.conftest import SMTP_USER, free_port, start_server


def _flag(db_session, physician, completion):
    flagged = discrepancies.flag_completion(
        db_session,
        user_id=physician.id,
        completion=completion,
        kind="credits_wrong",
        claim=discrepancies.Claim(note="Four, not two", credits=Decimal(4)),
        today=completion.completed_on,
    )
    db_session.commit()
    return flagged


def _scene(db_session):
    """A physician with a linked license and a completion from a provider with two staff."""
    physician = factories.UserFactory()
    link = factories.LicenseLinkFactory(user=physician)
    activity = factories.ActivityFactory(title="Opioid stewardship")
    staff = [factories.ProviderStaffFactory(provider=activity.provider) for _ in range(2)]
    outsider = factories.ProviderStaffFactory()
    completion = factories.CompletionFactory(activity=activity, licensee=link.licensee)
    return physician, staff, outsider, completion


def _deliver_committed(app):
    """What the end of a request does: queue (here: run) the committed notifications."""
    with app.app_context():
        pass


def test_a_flag_is_mailed_to_the_providers_staff_only(app, db_session, mail_server):
    physician, staff, outsider, completion = _scene(db_session)
    flagged = _flag(db_session, physician, completion)
    _deliver_committed(app)
    assert sorted(r for m in mail_server.messages for r in m.recipients) == sorted(
        s.email for s in staff
    )
    mail = mail_server.to(staff[0].email)[0]
    assert mail.message["Subject"] == "A physician flagged a record of Opioid stewardship"
    assert "Credits are wrong" in mail.text or "Credits" in mail.text
    assert f"/provider/discrepancies/{flagged.id}" in mail.text
    assert f'href="http://passport.test/provider/discrepancies/{flagged.id}"' in mail.html
    assert "Four, not two" not in mail.text  # the note is read in the inbox, not mailed
    assert physician.last_name not in mail.text and physician.email not in mail.text
    unsubscribe = mail.message["List-Unsubscribe"]
    assert re.fullmatch(r"<http://passport\.test/unsubscribe/[\w.-]+>", unsubscribe)
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not mail_server.to(outsider.email) and not mail_server.to(physician.email)


def test_each_reply_goes_to_the_other_side(app, db_session, mail_server):
    physician, staff, _, completion = _scene(db_session)
    flagged = _flag(db_session, physician, completion)
    discrepancies.reply(
        db_session, discrepancy=flagged, author_id=staff[0].id, body="Checking", from_provider=True
    )
    db_session.commit()
    discrepancies.reply(
        db_session, discrepancy=flagged, author_id=physician.id, body="Thanks", from_provider=False
    )
    discrepancies.decline(
        db_session, discrepancy=flagged, user_id=staff[1].id, reason="Sheet says 2"
    )
    db_session.commit()
    _deliver_committed(app)
    to_physician = [m.message["Subject"] for m in mail_server.to(physician.email)]
    provider = completion.activity.provider.name
    assert to_physician == [
        f"{provider} replied to your flag on Opioid stewardship",
        f"{provider} declined your flag on Opioid stewardship",
    ]
    to_staff = [m.message["Subject"] for m in mail_server.to(staff[0].email)]
    assert to_staff == [
        "A physician flagged a record of Opioid stewardship",
        "A physician replied about a record of Opioid stewardship",
    ]
    assert "Checking" not in mail_server.to(physician.email)[0].text


def test_one_click_unsubscribe_works_once_and_is_respected(app, client, db_session, mail_server):
    physician, staff, _, completion = _scene(db_session)
    _flag(db_session, physician, completion)
    _deliver_committed(app)
    mail = mail_server.to(staff[0].email)[0]
    url = mail.message["List-Unsubscribe"].strip("<>")
    path = url.removeprefix("http://passport.test")
    assert url in mail.text  # the same link in the body, for people
    page = client.get(path)  # a mail scanner's GET changes nothing
    assert page.status_code == 200 and b"Unsubscribe" in page.data
    assert not db_session.scalar(sa.select(sa.func.count()).select_from(EmailOptOut))
    first = client.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert first.status_code == 200 and b"Done" in first.data
    second = client.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert second.status_code == 200 and b"already unsubscribed" in second.data
    opt_outs = db_session.scalars(sa.select(EmailOptOut)).all()
    assert [(o.address, o.topic) for o in opt_outs] == [(staff[0].email, "discrepancies")]
    assert client.post(path.replace("unsubscribe/", "unsubscribe/x")).status_code == 400

    mail_server.messages.clear()
    another = factories.ActivityFactory(provider=completion.activity.provider)
    other = factories.CompletionFactory(activity=another, licensee=completion.licensee)
    _flag(db_session, physician, other)
    _deliver_committed(app)
    assert not mail_server.to(staff[0].email) and mail_server.to(staff[1].email)
    skipped = db_session.scalar(
        sa.select(Notification)
        .where(Notification.user_id == staff[0].id)
        .order_by(Notification.id.desc())
    )
    assert skipped.status == "unsubscribed"  # still listed in the app


def test_preferences_page_chooses_topics(app, db_session, mail_server):
    physician, staff, _, completion = _scene(db_session)
    client = sign_in_as(app.test_client(), staff[0])
    response = client.post("/notifications/preferences", data={"topics": ["uploads"]})
    assert response.status_code == 302
    topics = set(db_session.scalars(sa.select(EmailOptOut.topic)))
    assert topics == {"discrepancies", "reminders", "audit"}
    _flag(db_session, physician, completion)
    _deliver_committed(app)
    assert not mail_server.to(staff[0].email) and mail_server.to(staff[1].email)
    page = client.get("/notifications/preferences").get_data(as_text=True)
    checked = re.findall(r"<input[^>]*\bchecked\b[^>]*>", page)
    assert len(checked) == 1 and 'value="uploads"' in checked[0]


def test_security_messages_are_sent_whatever_the_preferences(app, client, db_session, mail_server):
    user = factories.UserFactory()
    for topic in ("discrepancies", "uploads", "reminders", "audit"):
        db_session.add(EmailOptOut(address=user.email, topic=topic))
    db_session.commit()
    client.post("/reset-password", data={"email": user.email})
    (mail,) = mail_server.to(user.email)
    assert mail.message["Subject"] == "Reset your Passport password"
    assert "/reset-password/" in mail.text and "/reset-password/" in mail.html
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Security messages are always sent" in mail.text
    kept = db_session.scalar(sa.select(Notification).where(Notification.user_id == user.id))
    assert kept.status == "sent" and "/reset-password/" not in kept.body  # no live link kept


def test_a_failure_is_retried_and_shown_to_administrators(app, db_session, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "PASSPORT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "PASSPORT_SMTP_PORT", free_port())  # nobody listens
    monkeypatch.setitem(app.config, "PASSPORT_SMTP_SECURITY", "none")
    physician, staff, _, completion = _scene(db_session)
    _flag(db_session, physician, completion)
    _deliver_committed(app)
    failed = db_session.scalars(sa.select(Notification).order_by(Notification.id)).all()
    assert {n.status for n in failed} == {"failed"} and {n.attempts for n in failed} == {1}
    assert all("Connection" in n.last_error or "refused" in n.last_error for n in failed)

    admin = sign_in_as(app.test_client(), factories.AdminFactory())
    log_page = admin.get("/admin/deliveries?status=failed").get_data(as_text=True)
    assert staff[0].email in log_page and "Failed; will be tried again" in log_page

    with app.app_context():  # nothing is due before its pause is over
        assert delivery.deliver_due(db.session, app.config, utcnow()) == 0
    server, controller, settings = start_server("plain", tmp_path)
    try:
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)
        with app.app_context():
            later = utcnow() + timedelta(minutes=2)
            assert delivery.deliver_due(db.session, app.config, later) == 2
            assert delivery.deliver_due(db.session, app.config, later) == 0  # never twice
        assert sorted(r for m in server.messages for r in m.recipients) == sorted(
            s.email for s in staff
        )
    finally:
        controller.stop()


def test_an_administrator_can_send_a_given_up_delivery_again(app, db_session, mail_server):
    physician, staff, _, completion = _scene(db_session)
    _flag(db_session, physician, completion)
    notification = db_session.scalars(sa.select(Notification)).first()
    db_session.execute(
        sa.update(Notification).where(Notification.id == notification.id).values(status="abandoned")
    )
    db_session.commit()
    mail_server.messages.clear()
    admin = sign_in_as(app.test_client(), factories.AdminFactory())
    assert admin.post(f"/admin/deliveries/{notification.id}/retry").status_code == 302
    assert len(mail_server.to(notification.address)) == 1


def _send_one_security_mail(app, db_session, server):
    user = factories.UserFactory()
    app.test_client().post("/reset-password", data={"email": user.email})
    server.wait_for(1)
    return user


def test_starttls_with_a_login(app, db_session, monkeypatch, tmp_path):
    server, controller, settings = start_server("starttls", tmp_path)
    try:
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)
        user = _send_one_security_mail(app, db_session, server)
        assert server.to(user.email) and server.logins == [SMTP_USER]
    finally:
        controller.stop()


def test_implicit_tls_with_a_login(app, db_session, monkeypatch, tmp_path):
    server, controller, settings = start_server("tls", tmp_path)
    try:
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)
        user = _send_one_security_mail(app, db_session, server)
        assert server.to(user.email) and server.logins == [SMTP_USER]
    finally:
        controller.stop()


def test_no_password_crosses_the_network_in_clear(app, db_session, monkeypatch, mail_server):
    monkeypatch.setitem(app.config, "PASSPORT_SMTP_USER", SMTP_USER)
    user = factories.UserFactory()
    app.test_client().post("/reset-password", data={"email": user.email})
    kept = db_session.scalar(sa.select(Notification).where(Notification.user_id == user.id))
    assert kept.status == "failed" and "without TLS" in kept.last_error
    assert not mail_server.messages
