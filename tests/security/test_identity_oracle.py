"""The matching oracle, tried as an attacker would: a provider that knows a licensee's
license number and last name sends every month/day, through every way in, and reads the
answers. Each way must give the roster's date of birth an answer that at least 300 other
dates also get, while the right identity sent first still matches.

Issue 20: each of these sweeps named the date of birth before ``reporting.identity_guard``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from passport.models import Completion, IdentityAttempt
from passport.reporting.services import correct_identity
from tests import factories
from tests.api.conftest import oauth_client
from tests.conftest import sign_in_as

TARGET_DOB = (7, 14)
EVERY_DAY = [(day.month, day.day) for day in (date(2024, 1, 1) + timedelta(n) for n in range(366))]


@pytest.fixture
def target(db_session):
    """A licensee the attacking provider never taught: it knows only the number and name."""
    return factories.LicenseeFactory(
        license_number="G99887",
        first_name="Ada",
        last_name="Okafor",
        dob_month=TARGET_DOB[0],
        dob_day=TARGET_DOB[1],
    )


def _learner(month: int, day: int, number: str = "G99887", last_name: str = "Okafor") -> dict:
    return {
        "first_name": "Ada",
        "last_name": last_name,
        "date_of_birth": f"--{month:02d}-{day:02d}",
        "licensing_state": "CA",
        "license_number": number,
    }


def _answer(check: dict) -> tuple:
    return (check["matched"], check["reason"])


def _assert_hidden(answers: dict[tuple[int, int], tuple]) -> None:
    """The roster's date shares its answer with at least 300 others; nothing matched."""
    counts = Counter(answers.values())
    assert counts[answers[TARGET_DOB]] >= 301, counts.most_common(4)


def test_a_sweep_in_one_api_request_does_not_tell_the_date_of_birth(
    app, world, target, credentials
):
    with oauth_client(app, credentials) as api:
        response = api.post(
            "/api/v1/learners/check", json={"learners": [_learner(m, d) for m, d in EVERY_DAY]}
        )
    assert response.status_code == 200
    checks = response.json()["learners"]
    _assert_hidden({day: _answer(check) for day, check in zip(EVERY_DAY, checks, strict=True)})
    assert not any(check["matched"] for check in checks)


def test_a_sweep_one_identity_a_request_does_not_tell_the_date_of_birth(
    app, world, target, credentials
):
    answers = {}
    with oauth_client(app, credentials) as api:
        for month, day in EVERY_DAY:
            response = api.post("/api/v1/learners/check", json={"learners": [_learner(month, day)]})
            assert response.status_code == 200
            answers[(month, day)] = _answer(response.json()["learners"][0])
    _assert_hidden(answers)


def _result_cells(html: str) -> list[str]:
    """What the Check learners table says of each row beyond the row number and what was
    sent (its class, Result and Reason cells), row by row."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = body.split("<tr")[1:]
    return [row.split(">", 1)[0] + "|" + "|".join(row.split("<td>")[4:]) for row in rows]


def test_a_sweep_through_check_learners_does_not_tell_the_date_of_birth(app, world, target):
    client = sign_in_as(app.test_client(), world.staff)
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(
        [
            "First Name",
            "Last Name",
            "Date of Birth (MM/DD)",
            "Licensing State",
            "Licensing ID or NPI",
        ]
    )
    for month, day in EVERY_DAY:
        writer.writerow(["Ada", "Okafor", f"{month:02d}/{day:02d}", "CA", "G99887"])
    response = client.post(
        "/provider/prevalidate",
        data={"file": (io.BytesIO(sheet.getvalue().encode()), "learners.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    cells = _result_cells(response.get_data(as_text=True))
    assert len(cells) == 366
    _assert_hidden(dict(zip(EVERY_DAY, cells, strict=True)))


def _send_completion(api, world, month: int, day: int) -> dict:
    """Report (or re-report, with a new identity) the learner's one record for the
    activity, then read it back as the provider's system would."""
    record = {
        **_learner(month, day),
        "activity_id": world.activity.activity_code,
        "completion_date": world.activity.starts_on.isoformat(),
        "credits": "1.00",
        "credit_type": "AMA_PRA_1",
    }
    sent = api.post("/api/v1/completions", json={"permission_attested": True, "records": [record]})
    assert sent.status_code == 200, sent.text
    listed = api.get("/api/v1/completions", params={"activity_id": world.activity.activity_code})
    (completion,) = listed.json()["items"]
    return completion


def test_a_sweep_by_reporting_stores_no_match_and_names_no_reason(app, world, target, credentials):
    """Completions sent through the web service, each a new identity for the learner's
    record: the record's status and reason for the right date are those of the hundreds
    after the limit, and it never matches."""
    answers = {}
    with oauth_client(app, credentials) as api:
        for month, day in EVERY_DAY:
            completion = _send_completion(api, world, month, day)
            answers[(month, day)] = (completion["match_status"], completion["match_reason"])
    _assert_hidden(answers)
    assert answers[TARGET_DOB][0] == "pending"


def test_the_right_identity_sent_first_still_matches(app, world, target, credentials):
    with oauth_client(app, credentials) as api:
        first = api.post("/api/v1/learners/check", json={"learners": [_learner(*TARGET_DOB)]})
    assert first.json()["learners"][0]["matched"] is True


def test_a_typo_then_the_fix_is_answered_as_honest_use_needs(app, world, target, credentials):
    with oauth_client(app, credentials) as api:
        typo = api.post("/api/v1/learners/check", json={"learners": [_learner(7, 15)]})
        fixed = api.post("/api/v1/learners/check", json={"learners": [_learner(*TARGET_DOB)]})
    assert "date of birth" in typo.json()["learners"][0]["reason"]
    assert fixed.json()["learners"][0]["matched"] is True


def test_correcting_an_unmatched_record_again_and_again_is_guarded(db_session, world, target):
    """The unmatched queue's correction form is one more way to try identities."""
    from passport.reporting.pipeline import load_validation_context
    from passport.reporting.records import Field, RawRecord

    completion = factories.CompletionFactory(
        activity=world.activity,
        licensee=target,
        learner_key="CA:G99887",
        dob_month=1,
        dob_day=1,
    )
    completion.licensee_id, completion.match_status = None, "identity_mismatch"
    db_session.commit()
    context = load_validation_context(db_session, world.provider.id, date.today(), None)
    answers = {}
    for month, day in EVERY_DAY[1:]:
        record = RawRecord(
            1,
            {
                Field.FIRST_NAME: "Ada",
                Field.LAST_NAME: "Okafor",
                Field.DOB: f"{month:02d}/{day:02d}",
                Field.LICENSING_STATE: "CA",
                Field.LICENSE_OR_NPI: "G99887",
            },
        )
        corrected = correct_identity(
            db_session,
            user_id=world.staff.id,
            provider_id=world.provider.id,
            completion_id=completion.id,
            record=record,
            context=context,
        )
        answers[(month, day)] = corrected.match_status
    assert answers[TARGET_DOB] == "pending"
    assert list(answers.values()).count("pending") >= 300


def test_every_blocked_attempt_is_recorded_and_the_board_and_admin_see_it(
    app, db_session, world, target, credentials
):
    with oauth_client(app, credentials) as api:
        api.post(
            "/api/v1/learners/check", json={"learners": [_learner(m, d) for m, d in EVERY_DAY[:40]]}
        )
    attempts = list(
        db_session.scalars(
            sa.select(IdentityAttempt).where(IdentityAttempt.licensee_id == target.id)
        )
    )
    from passport.reporting import identity_guard

    assert sum(a.blocked_count for a in attempts) == 40 - identity_guard.MAX_DIFFERING_IDENTITIES
    board_staff = factories.BoardStaffFactory(board=target.board)
    page = sign_in_as(app.test_client(), board_staff).get("/board/identity-checks")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "G99887" in text and world.provider.name in text
    other_board = factories.BoardStaffFactory(board=factories.board("CA-OMBC"))
    other = sign_in_as(app.test_client(), other_board).get("/board/identity-checks")
    assert "G99887" not in other.get_data(as_text=True)


def test_an_admin_clears_the_checks_and_held_records_are_matched_again(
    app, db_session, world, target, credentials
):
    with oauth_client(app, credentials) as api:
        for month, day in [(1, 1), (1, 2), (1, 3), (1, 4), TARGET_DOB]:
            held = _send_completion(api, world, month, day)
    assert held["match_status"] == "pending"
    provider_staff = sign_in_as(app.test_client(), world.staff)
    assert provider_staff.get("/admin/identity-checks").status_code == 403
    board_staff = sign_in_as(app.test_client(), factories.BoardStaffFactory(board=target.board))
    assert (
        board_staff.post(
            "/admin/identity-checks/clear",
            data={"provider_id": world.provider.id, "licensee_id": target.id},
        ).status_code
        == 403
    )
    client = sign_in_as(app.test_client(), factories.AdminFactory())
    assert client.get("/admin/identity-checks").status_code == 200
    response = client.post(
        "/admin/identity-checks/clear",
        data={"provider_id": world.provider.id, "licensee_id": target.id},
    )
    assert response.status_code == 302
    db_session.expire_all()
    completion = db_session.get(Completion, held["id"])
    assert completion.licensee_id == target.id and completion.match_status == "matched"
    assert not db_session.scalars(
        sa.select(IdentityAttempt).where(IdentityAttempt.licensee_id == target.id)
    ).all()


def test_two_batches_noting_the_same_identity_at_once_do_not_collide(db_session, world, target):
    """Two uploads in parallel may both note one new identity: the second write adds its
    held count to the first's row instead of failing on the unique key."""
    from datetime import UTC, datetime

    moment = datetime(2026, 12, 1, tzinfo=UTC)

    def attempt(blocked: int) -> IdentityAttempt:
        return IdentityAttempt(
            provider_id=world.provider.id,
            licensee_id=target.id,
            identity_key="k" * 32,
            state="held",
            first_tried_at=moment,
            last_tried_at=moment,
            blocked_count=blocked,
        )

    from passport.reporting.identity_guard import _insert_new

    _insert_new(db_session, [attempt(1)])
    _insert_new(db_session, [attempt(2)])  # as the other transaction would, unaware
    (row,) = db_session.scalars(sa.select(IdentityAttempt)).all()
    assert row.blocked_count == 3
