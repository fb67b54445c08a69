"""The append-only audit trail: written by every kind of change, readable by admins only,
and impossible to rewrite, even by a query through the app's own connection."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from passport.trail.models import AuditEvent
from passport.trail.services import record_event
from passport.transcripts import discrepancies
from tests import factories
from tests.conftest import sign_in_as


def _event(db_session, **values) -> AuditEvent:
    entry = record_event(
        db_session,
        actor_user_id=values.get("actor"),
        action=values.get("action", "completion.identity_corrected"),
        object_type=values.get("object_type", "completion"),
        object_id=values.get("object_id", 7),
        detail={"note": "<script>alert(1)</script>"},
    )
    db_session.commit()  # a request's end discards uncommitted work (tests/conftest.py)
    return entry


@pytest.mark.parametrize(
    "statement",
    [
        sa.update(AuditEvent).values(action="rewritten"),
        sa.delete(AuditEvent),
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_rewrite_the_trail(db_session, statement):
    _event(db_session)
    savepoint = db_session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        db_session.execute(statement)
    savepoint.rollback()
    assert db_session.scalar(sa.select(sa.func.count(AuditEvent.id))) >= 1


def test_admins_read_and_filter_the_trail(admin_client, admin_user, db_session):
    _event(db_session, actor=admin_user.id, action="license.linked", object_type="licensee")
    _event(db_session, action="discrepancy.raised", object_type="discrepancy", object_id=42)
    page = admin_client.get("/admin/audit-trail")
    assert page.status_code == 200
    # Actions in words (issue 21): the codes are only the filter menu's values.
    rows = page.get_data(as_text=True).split("<tbody>")[1]
    assert "License linked to an account" in rows and "Discrepancy raised" in rows
    assert "license.linked" not in rows
    assert admin_user.email.encode() in page.data
    assert b"<script>alert(1)</script>" not in page.data  # details are shown escaped
    filtered = admin_client.get("/admin/audit-trail?action=discrepancy.&object_id=42")
    rows = filtered.get_data(as_text=True).split("<tbody>")[1]
    assert "Discrepancy raised" in rows and "License linked" not in rows
    assert b'method="post"' not in filtered.data.split(b"<main")[1]  # nothing here changes it
    past_any_id = admin_client.get(f"/admin/audit-trail?object_id={10**25}")  # was a 500
    assert past_any_id.status_code == 200 and b"Discrepancy raised" in past_any_id.data


@pytest.mark.parametrize("role", ["physician", "provider", "board"])
def test_only_admins_read_the_trail(app, users_by_role, role):
    client = sign_in_as(app.test_client(), users_by_role[role])
    assert client.get("/admin/audit-trail").status_code == 403


def test_every_step_of_a_discrepancy_is_written_to_the_trail(db_session):
    discrepancy = factories.DiscrepancyFactory()
    provider_staff = factories.ProviderStaffFactory(provider=discrepancy.activity.provider)
    discrepancies.reply(
        db_session,
        discrepancy=discrepancy,
        author_id=provider_staff.id,
        body="Our sign-in sheet says 2 hours.",
        from_provider=True,
    )
    discrepancies.decline(
        db_session, discrepancy=discrepancy, user_id=provider_staff.id, reason="Sheet is final."
    )
    trail = db_session.execute(
        sa.select(AuditEvent.action, AuditEvent.actor_user_id)
        .where(AuditEvent.object_type == "discrepancy", AuditEvent.object_id == discrepancy.id)
        .order_by(AuditEvent.id)
    ).all()
    assert trail == [
        ("discrepancy.reply", provider_staff.id),
        ("discrepancy.declined", provider_staff.id),
    ]
