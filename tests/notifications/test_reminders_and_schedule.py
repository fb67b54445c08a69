"""Renewal reminders and the scheduled work: run twice, sent once; a new expiry or new
credit changes the next reminder; the periodic tasks and the command run the same work."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from passport.db import utcnow
from passport.jobs import daily_work, deliver_due_notifications, huey, run_scheduled
from passport.models import IdempotentRequest, Notification, Topic
from passport.notifications.reminders import reminder_step
from tests import factories


def _physician_short_of_credit(db_session, days_left: int):
    physician = factories.UserFactory()
    licensee = factories.LicenseeFactory(
        expires_on=date.today() + timedelta(days=days_left),
        first_issued_on=date.today() - timedelta(days=700),
    )
    factories.LicenseLinkFactory(user=physician, licensee=licensee)
    factories.CompletionFactory(licensee=licensee, credits=Decimal("20.00"))
    db_session.commit()
    return physician, licensee


def test_steps():
    assert [reminder_step(d) for d in (120, 90, 31, 30, 8, 7, 0, -1)] == [
        None,
        90,
        90,
        30,
        30,
        7,
        7,
        None,
    ]


def test_reminder_run_twice_sends_once_and_says_what_is_missing(app, db_session, mail_server):
    physician, licensee = _physician_short_of_credit(db_session, 30)
    assert run_scheduled("reminders") == {"reminders": 1}
    assert run_scheduled("reminders") == {"reminders": 0}
    (mail,) = mail_server.to(physician.email)
    assert mail.message["Subject"] == "Your license expires in 30 days: CME still needed"
    assert f"Your license {licensee.license_number} (Medical Board of California)" in mail.text
    assert "You need 30 h of AMA PRA Category 1 credit or an accepted equivalent by " in mail.text
    assert "Short (20 of 50 h)" in mail.text
    assert mail.message["List-Unsubscribe"] and "You need 30 h" in mail.html


def test_a_new_expiry_and_new_credit_change_the_next_reminder(app, db_session, mail_server):
    physician, licensee = _physician_short_of_credit(db_session, 30)
    run_scheduled("reminders")
    licensee.expires_on = date.today() + timedelta(days=80)  # renewed: a new cycle's dates
    factories.CompletionFactory(
        licensee=licensee, credits=Decimal("10.00"), activity=factories.ActivityFactory()
    )
    db_session.commit()
    run_scheduled("reminders")
    first, second = mail_server.to(physician.email)
    assert "in 30 days" in first.text and "in 80 days" in second.text
    assert "You need 30 h" in first.text and "You need 20 h" in second.text


def test_no_reminder_once_everything_is_met(app, db_session, mail_server):
    physician, licensee = _physician_short_of_credit(db_session, 7)
    pain = factories.ActivityFactory()
    pain.topics = [db_session.get(Topic, "pain_eol")]
    factories.CompletionFactory(licensee=licensee, activity=pain, credits=Decimal("30.00"))
    db_session.commit()
    assert run_scheduled("reminders") == {"reminders": 0}
    assert not mail_server.to(physician.email)


def test_reminders_respect_the_preference(app, db_session, mail_server):
    from passport.notifications.services import set_preferences

    physician, _ = _physician_short_of_credit(db_session, 7)
    set_preferences(db_session, address=physician.email, wanted={"discrepancies"})
    db_session.commit()
    run_scheduled("reminders")
    assert not mail_server.to(physician.email)
    listed = db_session.scalar(sa.select(Notification).where(Notification.user_id == physician.id))
    assert listed.status == "unsubscribed"


def test_housekeeping_forgets_old_idempotency_keys(app, db_session):
    from passport.api.clients import create_client

    staff = factories.ProviderStaffFactory()
    client = create_client(
        db_session,
        provider_id=staff.provider_id,
        user_id=staff.id,
        name="LMS",
        scopes=["completions:read"],
    ).client
    for age, key in ((timedelta(hours=30), "old"), (timedelta(hours=1), "new")):
        db_session.add(
            IdempotentRequest(
                api_client_id=client.id,
                key=key,
                request_digest="0" * 64,
                status_code=200,
                response={},
                created_at=utcnow() - age,
            )
        )
    db_session.commit()
    done = run_scheduled("housekeeping")
    assert done["idempotency keys"] == 1
    assert set(db_session.scalars(sa.select(IdempotentRequest.key))) == {"new"}


def test_the_periodic_tasks_are_scheduled_and_run_the_same_work(app, db_session, mail_server):
    periodic = {task.__name__ for task in huey._registry._periodic_tasks}
    assert {"deliver_due_notifications", "daily_work"} <= periodic
    physician, _ = _physician_short_of_credit(db_session, 90)
    done = daily_work.call_local()
    assert done["reminders"] == 1 and "idempotency keys" in done
    assert deliver_due_notifications.call_local() == {"delivered": 0}
    assert mail_server.to(physician.email)


def test_the_command_runs_them_by_hand(app, db_session, mail_server):
    physician, _ = _physician_short_of_credit(db_session, 7)
    result = app.test_cli_runner().invoke(args=["run-scheduled", "reminders"])
    assert result.exit_code == 0, result.output
    assert "reminders: 1" in result.output
    assert mail_server.to(physician.email)
