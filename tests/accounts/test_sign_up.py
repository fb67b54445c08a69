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


def test_sign_up_creates_a_physician_and_signs_in(client, db_session):
    response = client.post("/sign-up", data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")
    user = db_session.scalar(sa.select(User).where(User.email == "new.doctor@passport.example"))
    assert user is not None and user.role == "physician"
    assert user.password_hash.startswith("$argon2id$")
    assert "lantern" not in user.password_hash
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


def test_duplicate_email_is_refused(client, db_session):
    factories.UserFactory(email="taken@passport.example")
    before = _user_count(db_session)
    response = client.post("/sign-up", data={**GOOD, "email": "Taken@passport.example"})
    assert b"already exists" in response.data
    assert _user_count(db_session) == before


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
