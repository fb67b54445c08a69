"""The in-app list mirrors the e-mails, with an unread count in the navigation; an upload
tells its uploader its counts; linking a license still tells the holder, now by the same
path."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from passport.models import CreditType, Notification
from passport.transcripts import discrepancies
from tests import factories
from tests.conftest import sign_in_as
from tests.reporting.helpers import csv_bytes, row


def test_the_list_mirrors_the_mails_and_the_count_goes_down(app, db_session, mail_server):
    staff = factories.ProviderStaffFactory()
    activity = factories.ActivityFactory(provider=staff.provider, title="Sepsis bundle")
    completion = factories.CompletionFactory(activity=activity)
    physician = factories.LicenseLinkFactory(licensee=completion.licensee).user
    flagged = discrepancies.flag_completion(
        db_session,
        user_id=physician.id,
        completion=completion,
        kind="not_mine",
        claim=discrepancies.Claim(note="Never attended"),
        today=date.today(),
    )
    db_session.commit()
    client = sign_in_as(app.test_client(), staff)
    home = client.get("/provider/").get_data(as_text=True)
    assert re.search(r'unread-count">1<', home)
    page = client.get("/notifications/").get_data(as_text=True)
    (mail,) = mail_server.to(staff.email)
    assert mail.message["Subject"] in page and "Sepsis bundle" in page
    notification = db_session.scalar(
        sa.select(Notification).where(Notification.user_id == staff.id)
    )
    opened = client.post(f"/notifications/{notification.id}/open")
    assert opened.headers["Location"] == f"/provider/discrepancies/{flagged.id}"
    assert "unread-count" not in client.get("/provider/").get_data(as_text=True)
    other = sign_in_as(app.test_client(), physician)
    assert other.post(f"/notifications/{notification.id}/open").status_code == 403
    assert "Sepsis bundle" not in other.get("/notifications/").get_data(as_text=True)
    assert client.post("/notifications/read").status_code == 302


def test_an_upload_tells_its_uploader_the_counts(app, db_session, mail_server):
    staff = factories.ProviderStaffFactory()
    activity = factories.ActivityFactory(
        provider=staff.provider,
        activity_code="ACT-1",
        starts_on=date.today() - timedelta(days=300),
        max_credits=Decimal("10"),
    )
    activity.credit_types = [db_session.get(CreditType, "AMA_PRA_1")]
    factories.LicenseeFactory(license_number="A123456", first_name="Jane", last_name="Doe")
    db_session.commit()
    client = sign_in_as(app.test_client(), staff)
    content = csv_bytes([row(), row(license_or_npi="A999999"), row(credits="99")])
    client.post(
        "/provider/uploads/new",
        data={
            "file": (io.BytesIO(content), "learners.csv"),
            "permission_scope": "year",
            "permission_attested": "y",
        },
        content_type="multipart/form-data",
    )
    (mail,) = mail_server.to(staff.email)
    assert mail.message["Subject"] == "Your upload learners.csv has finished"
    assert "Created 2, updated 0, unchanged 0, deleted 0, rejected 1." in mail.text
    assert "Not matched to a license: 1." in mail.text
    assert "Jane" not in mail.text and "A999999" not in mail.text


def test_linking_tells_the_account_and_the_roster_address(app, db_session, mail_server):
    from passport.notifications.events import license_linked

    user = factories.UserFactory()
    licensee = factories.LicenseeFactory(email="holder@clinic.example")
    link = factories.LicenseLinkFactory(user=user, licensee=licensee)
    license_linked(db_session, user, licensee, link.id)
    license_linked(db_session, user, licensee, link.id)  # the same event: recorded once
    db_session.commit()
    with app.app_context():
        pass
    assert {r for m in mail_server.messages for r in m.recipients} == {
        user.email,
        "holder@clinic.example",
    }
    assert len(mail_server.messages) == 2
    assert "If this wasn't you, contact the board at once" in mail_server.messages[0].text


def test_the_audit_feature_can_ask_a_physician(app, db_session, mail_server):
    from passport.notifications.events import notify_physician_of_request

    physician = factories.UserFactory()
    for _ in range(2):
        notify_physician_of_request(
            db_session,
            physicians=[physician],
            request_key="audit-case:1:request:1",
            subject="The board asks for documentation",
            body="The Medical Board of California asks for certificates for your renewal.",
            link_endpoint="transcripts.home",
        )
    db_session.commit()
    with app.app_context():
        pass
    (mail,) = mail_server.to(physician.email)
    assert mail.message["Subject"] == "The board asks for documentation"
    assert "http://passport.test/physician/" in mail.text
