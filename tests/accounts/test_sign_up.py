"""Physician self-sign-up, and the bad input that must write nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from passport.models import AuditEvent, User
from tests import factories

GOOD = {
    "email": "New.Doctor@Passport.example",
    "first_name": "Ana",
    "last_name": "Núñez-O'Neil",
    "password": "lantern orchard velvet 42",
    "confirm": "lantern orchard velvet 42",
}


def _user_count(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(User))


def test_sign_up_creates_a_physician_who_then_signs_in(client, db_session):
    response = client.post("/sign-up", data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in")  # as for an address in use
    page = client.get("/sign-in").get_data(as_text=True)
    assert "We sent a message to new.doctor@passport.example" in page
    user = db_session.scalar(sa.select(User).where(User.email == "new.doctor@passport.example"))
    assert user is not None and user.role == "physician"
    assert user.password_hash.startswith("$argon2id$")
    assert "lantern" not in user.password_hash
    client.post("/sign-in", data={"email": GOOD["email"], "password": GOOD["password"]})
    home = client.get("/", follow_redirects=True)
    assert b"No licence linked yet" in home.data
    assert (
        db_session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "user.signed_up"))
        == 1
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "not-an-email"}, b"email address is not valid"),
        ({"password": "short pw 1", "confirm": "short pw 1"}, b"at least 12 characters"),
        ({"password": "qwerty123456", "confirm": "qwerty123456"}, b"common passwords"),
        ({"password": "passwordpassword", "confirm": "passwordpassword"}, b"common"),
        ({"confirm": "something else entirely"}, b"do not match"),
        ({"first_name": ""}, b"This field is required"),
    ],
)
def test_bad_sign_up_shows_a_clear_message_and_writes_nothing(client, db_session, change, message):
    before = _user_count(db_session)
    response = client.post("/sign-up", data={**GOOD, **change})
    assert response.status_code == 200
    assert message in response.data
    assert b"Please fix the following" in response.data
    assert _user_count(db_session) == before


def test_a_used_address_gets_no_second_account_and_no_telling_answer(client, db_session):
    """Answered as a new sign-up, the owner told by e-mail (tests/security/
    test_sign_in_attacks.py); nothing is created or changed."""
    taken = factories.UserFactory(email="taken@passport.example")
    before, old_hash = _user_count(db_session), taken.password_hash
    response = client.post("/sign-up", data={**GOOD, "email": "Taken@passport.example"})
    assert response.status_code == 302
    assert b"already exists" not in client.get("/sign-in").data
    assert _user_count(db_session) == before
    assert taken.password_hash == old_hash
    assert (
        db_session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "user.sign_up_address_in_use")
        )
        == 1
    )


def test_password_containing_the_users_name_is_refused(client, db_session):
    response = client.post(
        "/sign-up",
        data={
            **GOOD,
            "first_name": "Bartholomew",
            "last_name": "Fitzgerald",
            "password": "bartholomewfitzgerald",
            "confirm": "bartholomewfitzgerald",
        },
    )
    assert b"too easy to guess" in response.data
