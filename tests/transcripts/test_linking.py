"""Linking a licence: verified against the roster, one generic failure message,
throttled per account and per licence, a licence claimed once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from passport.errors import ValidationError
from passport.models import LicenseLink, LinkAttempt
from passport.roster.services import (
    GENERIC_FAILURE,
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_ADDRESS,
    LinkRequest,
    LinkThrottled,
    link_license,
    unlink_license,
)
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def licensee(db_session):
    return factories.LicenseeFactory(
        license_number="A654321", last_name="Núñez-O'Brien", dob_month=2, dob_day=29
    )


def _request(licensee, **changes):
    values = {
        "board_id": licensee.board_id,
        "license_number": licensee.license_number,
        "last_name": licensee.last_name,
        "date_of_birth": f"{licensee.dob_month:02d}/{licensee.dob_day:02d}",
    } | changes
    return LinkRequest(**values)


def test_link_forgives_what_people_type(db_session, physician, licensee):
    link = link_license(
        db_session,
        user_id=physician.id,
        request=_request(
            licensee, license_number=" a 654321 ", last_name="nunez obrien", date_of_birth="2/29"
        ),
    )
    assert link.licensee_id == licensee.id and link.user_id == physician.id
    outcomes = db_session.scalars(sa.select(LinkAttempt.outcome)).all()
    assert outcomes == ["linked"]


@pytest.mark.parametrize(
    "changes",
    [
        {"license_number": "A000001"},  # no such licence
        {"last_name": "Smith"},
        {"date_of_birth": "03/01"},
        {"date_of_birth": "13/45"},  # not a date at all
        {"last_name": "  "},
    ],
)
def test_every_kind_of_failure_gets_the_same_message(db_session, physician, licensee, changes):
    with pytest.raises(ValidationError) as raised:
        link_license(db_session, user_id=physician.id, request=_request(licensee, **changes))
    assert str(raised.value) == GENERIC_FAILURE
    assert db_session.scalar(sa.select(sa.func.count()).select_from(LicenseLink)) == 0


def test_wrong_board_is_a_generic_failure_too(db_session, physician, licensee):
    ombc = factories.board("CA-OMBC")
    with pytest.raises(ValidationError, match="could not verify"):
        link_license(db_session, user_id=physician.id, request=_request(licensee, board_id=ombc.id))


def test_account_is_throttled_after_repeated_failures(db_session, physician, licensee):
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        other = factories.LicenseeFactory()
        with pytest.raises(ValidationError):
            link_license(
                db_session, user_id=physician.id, request=_request(other, last_name="Wrong")
            )
    # Now even the right answer is refused until the window passes.
    with pytest.raises(LinkThrottled):
        link_license(db_session, user_id=physician.id, request=_request(licensee))
    assert db_session.scalar(sa.select(sa.func.count()).select_from(LicenseLink)) == 0


def test_failures_from_other_accounts_never_lock_the_holder_out(db_session, licensee):
    """Issue 20: five wrong dates an hour used to lock the license for everyone."""
    for number in range(MAX_FAILURES_PER_ACCOUNT * 3):
        guesser = factories.UserFactory()
        with pytest.raises(ValidationError):
            link_license(
                db_session,
                user_id=guesser.id,
                request=_request(licensee, date_of_birth="01/01"),
                ip_address=f"203.0.113.{number}",
            )
    holder = factories.UserFactory()
    link = link_license(
        db_session, user_id=holder.id, request=_request(licensee), ip_address="198.51.100.7"
    )
    assert link.user_id == holder.id


def test_one_client_address_is_throttled_across_accounts(db_session, licensee):
    for _ in range(MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(ValidationError):
            link_license(
                db_session,
                user_id=factories.UserFactory().id,
                request=_request(licensee, date_of_birth="01/01"),
                ip_address="203.0.113.9",
            )
    with pytest.raises(LinkThrottled):
        link_license(
            db_session,
            user_id=factories.UserFactory().id,
            request=_request(licensee),
            ip_address="203.0.113.9",
        )


def test_second_claim_is_refused_and_recorded_for_admins(app, db_session, licensee, admin_client):
    first, second = factories.UserFactory(), factories.UserFactory(email="second@passport.example")
    link_license(db_session, user_id=first.id, request=_request(licensee))
    with pytest.raises(ValidationError) as refused:
        link_license(db_session, user_id=second.id, request=_request(licensee))
    assert str(refused.value) == GENERIC_FAILURE  # the same words as any wrong guess
    db_session.commit()
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert "second@passport.example" in page and licensee.license_number in page
    assert first.email in page  # the current holder, so the admin can contact both


def test_linking_again_is_harmless_and_several_licences_are_allowed(
    db_session, physician, licensee
):
    link_license(db_session, user_id=physician.id, request=_request(licensee))
    link_license(db_session, user_id=physician.id, request=_request(licensee))
    osteopathic = factories.LicenseeFactory(
        board=factories.board("CA-OMBC"), license_number="20A7777"
    )
    link_license(db_session, user_id=physician.id, request=_request(osteopathic))
    assert db_session.scalar(sa.select(sa.func.count()).select_from(LicenseLink)) == 2


def test_unlink_removes_only_the_users_own_link(db_session, physician, licensee):
    link = link_license(db_session, user_id=physician.id, request=_request(licensee))
    unlink_license(db_session, user_id=physician.id, link_id=link.id)
    assert db_session.get(LicenseLink, link.id) is None


def test_link_and_unlink_through_the_pages(physician_client, physician, licensee, db_session):
    form = {
        "board_id": str(licensee.board_id),
        "license_number": licensee.license_number,
        "last_name": "Smith",
        "date_of_birth": "02/29",
    }
    refused = physician_client.post("/physician/licenses/link", data=form)
    assert refused.status_code == 200
    assert "could not verify" in refused.get_data(as_text=True)
    # The failure was committed, so it counts toward throttling.
    assert db_session.scalar(sa.select(LinkAttempt.outcome)) == "no_match"

    response = physician_client.post(
        "/physician/licenses/link", data=form | {"last_name": licensee.last_name}
    )
    assert response.status_code == 302
    home = physician_client.get("/physician/").get_data(as_text=True)
    assert licensee.license_number in home
    link = db_session.scalar(sa.select(LicenseLink))
    assert physician_client.post(f"/physician/licenses/{link.id}/unlink").status_code == 302
    assert db_session.scalar(sa.select(LicenseLink)) is None


def test_throttled_page_says_so(physician_client, physician, licensee, db_session):
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        db_session.add(
            LinkAttempt(
                user_id=physician.id,
                board_id=licensee.board_id,
                license_number="A1",
                outcome="no_match",
            )
        )
    db_session.commit()
    page = physician_client.post(
        "/physician/licenses/link",
        data={
            "board_id": str(licensee.board_id),
            "license_number": licensee.license_number,
            "last_name": licensee.last_name,
            "date_of_birth": "02/29",
        },
    ).get_data(as_text=True)
    assert "Too many unsuccessful attempts" in page


def test_other_users_cannot_unlink_a_licence(app, db_session):
    link = factories.LicenseLinkFactory()
    intruder = sign_in_as(app.test_client(), factories.UserFactory())
    assert intruder.post(f"/physician/licenses/{link.id}/unlink").status_code == 403
    assert db_session.get(LicenseLink, link.id) is not None
