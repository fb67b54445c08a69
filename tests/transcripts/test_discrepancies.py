"""The discrepancy lifecycle end to end, across the physician's and the provider's pages,
and what the board sees."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from passport.errors import Conflict, ValidationError
from passport.models import (
    AccessLogEntry,
    Completion,
    CompletionVersion,
    CreditType,
    Discrepancy,
)
from passport.transcripts import discrepancies
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def scene(app, db_session, transcript_world):
    """The physician's licence has one reported completion of the provider's activity."""
    world = transcript_world
    world.pain.credit_types = [db_session.get(CreditType, "AMA_PRA_1")]
    db_session.commit()
    record = factories.CompletionFactory(
        activity=world.pain,
        licensee=world.licensee,
        completed_on=date.today() - timedelta(days=30),
        credits=Decimal("2.00"),
    )
    staff = factories.ProviderStaffFactory(provider=world.pain.provider)
    return {
        "world": world,
        "record": record,
        "doctor": sign_in_as(app.test_client(), world.physician),
        "provider": sign_in_as(app.test_client(), staff),
        "staff": staff,
    }


def _only_discrepancy(db_session) -> Discrepancy:
    return db_session.scalars(sa.select(Discrepancy)).one()


def test_credits_wrong_flag_replied_to_and_corrected(db_session, scene):
    record, doctor, provider = scene["record"], scene["doctor"], scene["provider"]
    response = doctor.post(
        f"/physician/completions/{record.id}/flag",
        data={"kind": "credits_wrong", "credits": "3.25", "note": "Certificate says 3.25"},
    )
    assert response.status_code == 302
    flag = _only_discrepancy(db_session)
    assert (flag.status, flag.claimed_credits) == ("open", Decimal("3.25"))

    inbox = provider.get("/provider/discrepancies/").get_data(as_text=True)
    assert "Credits are wrong" in inbox
    detail = provider.get(f"/provider/discrepancies/{flag.id}").get_data(as_text=True)
    assert "Certificate says 3.25" in detail

    provider.post(f"/provider/discrepancies/{flag.id}/reply", data={"reply-body": "Checking."})
    db_session.refresh(flag)
    assert flag.status == "answered"
    doctor.post(f"/physician/discrepancies/{flag.id}/reply", data={"body": "Thanks"})
    db_session.refresh(flag)
    assert flag.status == "open"

    corrected = provider.post(
        f"/provider/discrepancies/{flag.id}/correct",
        data={
            "completed_on": record.completed_on.isoformat(),
            "credits": "3.25",
            "credit_type_code": "AMA_PRA_1",
            "note": "Fixed, sorry.",
        },
    )
    assert corrected.status_code == 302, corrected.get_data(as_text=True)
    db_session.refresh(flag)
    db_session.refresh(record)
    assert flag.status == "corrected" and flag.closed_at is not None
    assert record.credits == Decimal("3.25") and record.version == 2
    version = db_session.get(CompletionVersion, flag.resolved_by_version_id)
    assert (version.completion_id, version.version, version.credits) == (
        record.id,
        2,
        Decimal("3.25"),
    )
    # Every step kept, with who.
    events = [(m.event, m.author_user_id) for m in flag.messages]
    assert [event for event, _ in events] == ["raised", "reply", "reply", "corrected"]
    physician_view = doctor.get(f"/physician/discrepancies/{flag.id}").get_data(as_text=True)
    assert "Corrected" in physician_view and "Fixed, sorry." in physician_view
    assert "3.25" in doctor.get("/physician/transcript").get_data(as_text=True)


def test_declined_then_reopened_then_withdrawn(db_session, scene):
    record, doctor, provider = scene["record"], scene["doctor"], scene["provider"]
    doctor.post(
        f"/physician/completions/{record.id}/flag",
        data={
            "kind": "date_wrong",
            "completed_on": (date.today() - timedelta(days=31)).isoformat(),
        },
    )
    flag = _only_discrepancy(db_session)
    provider.post(f"/provider/discrepancies/{flag.id}/decline", data={"decline-body": ""})
    db_session.refresh(flag)
    assert flag.status == "open"  # a decline needs a reason
    provider.post(
        f"/provider/discrepancies/{flag.id}/decline",
        data={"decline-body": "Our sign-in sheet shows the 30th."},
    )
    db_session.refresh(flag)
    assert flag.status == "declined"
    doctor.post(
        f"/physician/discrepancies/{flag.id}/reopen", data={"body": "I was there the 29th."}
    )
    db_session.refresh(flag)
    assert (flag.status, flag.closed_at) == ("open", None)
    doctor.post(f"/physician/discrepancies/{flag.id}/withdraw", data={"body": ""})
    db_session.refresh(flag)
    assert flag.status == "withdrawn"
    assert [m.event for m in flag.messages] == ["raised", "declined", "reopened", "withdrawn"]
    # A closed thread takes no more replies.
    doctor.post(f"/physician/discrepancies/{flag.id}/reply", data={"body": "Hello?"})
    db_session.refresh(flag)
    assert len(flag.messages) == 4


def test_not_mine_is_resolved_by_deleting_the_record(db_session, scene):
    record, doctor, provider = scene["record"], scene["doctor"], scene["provider"]
    doctor.post(
        f"/physician/completions/{record.id}/flag",
        data={"kind": "not_mine", "note": "I never attended this."},
    )
    flag = _only_discrepancy(db_session)
    provider.post(f"/provider/discrepancies/{flag.id}/correct", data={"delete": "y"})
    db_session.refresh(flag)
    db_session.refresh(record)
    assert flag.status == "corrected" and record.deleted_at is not None
    assert db_session.get(CompletionVersion, flag.resolved_by_version_id).action == "delete"
    assert record.activity.title not in doctor.get("/physician/transcript").get_data(as_text=True)


def test_missing_activity_is_reported_by_the_provider(db_session, scene):
    world, doctor, provider = scene["world"], scene["doctor"], scene["provider"]
    found = doctor.get(f"/physician/missing?activity={world.pain.activity_code}")
    assert world.pain.title in found.get_data(as_text=True)
    # The existing record is on this licence; report a different activity as missing.
    missing = factories.ActivityFactory(provider=world.pain.provider, title="Opioid prescribing")
    missing.credit_types = [db_session.get(CreditType, "AMA_PRA_1")]
    db_session.commit()
    doctor.post(
        f"/physician/missing/{missing.id}",
        data={
            "activity_id": str(missing.id),
            "link_id": str(world.link.id),
            "completed_on": (date.today() - timedelta(days=3)).isoformat(),
            "credits": "1.50",
            "note": "Attended in person.",
        },
    )
    flag = _only_discrepancy(db_session)
    assert (flag.kind, flag.completion_id, flag.claimed_credits) == (
        "missing",
        None,
        Decimal("1.5"),
    )
    page = provider.get(f"/provider/discrepancies/{flag.id}").get_data(as_text=True)
    assert world.licensee.license_number in page  # shared so the provider can report it
    response = provider.post(
        f"/provider/discrepancies/{flag.id}/correct",
        data={
            "completed_on": flag.claimed_completed_on.isoformat(),
            "credits": "1.50",
            "credit_type_code": "AMA_PRA_1",
        },
    )
    assert response.status_code == 302
    db_session.refresh(flag)
    reported = db_session.scalars(
        sa.select(Completion).where(Completion.activity_id == missing.id)
    ).one()
    assert flag.status == "corrected"
    assert (reported.licensee_id, reported.match_status) == (world.licensee.id, "matched")
    assert "Opioid prescribing" in doctor.get("/physician/transcript").get_data(as_text=True)


def test_invalid_correction_is_shown_and_stores_nothing(db_session, scene):
    record, doctor, provider = scene["record"], scene["doctor"], scene["provider"]
    doctor.post(
        f"/physician/completions/{record.id}/flag", data={"kind": "credits_wrong", "credits": "3"}
    )
    flag = _only_discrepancy(db_session)
    page = provider.post(
        f"/provider/discrepancies/{flag.id}/correct",
        data={
            "completed_on": record.completed_on.isoformat(),
            "credits": "99",
            "credit_type_code": "AMA_PRA_1",
        },
    ).get_data(as_text=True)
    assert "Number of CME Credits" in page
    db_session.refresh(flag)
    db_session.refresh(record)
    assert flag.status == "open" and record.version == 1


def test_flag_rules(db_session, scene):
    world, record = scene["world"], scene["record"]
    today = date.today()
    for credits, message in (
        ("NaN", "more than 0"),  # a form parses these: they must not raise
        ("sNaN", "more than 0"),
        ("Infinity", "more than 0"),
        ("1E+30", "At most 10,000"),
    ):
        with pytest.raises(ValidationError, match=message):
            discrepancies.flag_completion(
                db_session,
                user_id=world.physician.id,
                completion=record,
                kind="credits_wrong",
                claim=discrepancies.Claim(credits=Decimal(credits)),
                today=today,
            )
    with pytest.raises(ValidationError, match="quarter hours"):
        discrepancies.flag_completion(
            db_session,
            user_id=world.physician.id,
            completion=record,
            kind="credits_wrong",
            claim=discrepancies.Claim(credits=Decimal("1.1")),
            today=today,
        )
    with pytest.raises(ValidationError, match="future"):
        discrepancies.flag_completion(
            db_session,
            user_id=world.physician.id,
            completion=record,
            kind="date_wrong",
            claim=discrepancies.Claim(completed_on=today + timedelta(days=1)),
            today=today,
        )
    with pytest.raises(ValidationError, match="few words"):
        discrepancies.flag_completion(
            db_session,
            user_id=world.physician.id,
            completion=record,
            kind="not_mine",
            claim=discrepancies.Claim(),
            today=today,
        )
    discrepancies.flag_completion(
        db_session,
        user_id=world.physician.id,
        completion=record,
        kind="credits_wrong",
        claim=discrepancies.Claim(credits=Decimal("1.25")),
        today=today,
    )
    with pytest.raises(Conflict):
        discrepancies.flag_completion(
            db_session,
            user_id=world.physician.id,
            completion=record,
            kind="date_wrong",
            claim=discrepancies.Claim(completed_on=today),
            today=today,
        )


def test_board_sees_its_licensees_discrepancies_and_the_view_is_logged(app, db_session, scene):
    flag = factories.DiscrepancyFactory(
        completion=scene["record"], raised_by=scene["world"].physician
    )
    board = factories.BoardStaffFactory()
    client = sign_in_as(app.test_client(), board)
    listing = client.get("/board/discrepancies").get_data(as_text=True)
    assert scene["world"].licensee.license_number in listing
    assert client.get(f"/board/discrepancies/{flag.id}").status_code == 200
    entry = db_session.scalars(sa.select(AccessLogEntry)).one()
    assert (entry.user_id, entry.licensee_id, entry.action) == (
        board.id,
        flag.licensee_id,
        "discrepancy.view",
    )


def test_a_physician_cannot_flag_a_record_on_someone_elses_licence(app, db_session, scene):
    stranger = sign_in_as(app.test_client(), factories.UserFactory())
    response = stranger.post(
        f"/physician/completions/{scene['record'].id}/flag",
        data={"kind": "not_mine", "note": "x"},
    )
    assert response.status_code == 403
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Discrepancy)) == 0
