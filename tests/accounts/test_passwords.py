"""Password change (ends other sessions) and reset by emailed token."""

from __future__ import annotations

import logging
import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from passport.accounts import services
from passport.accounts.passwords import verify_password
from tests.conftest import TEST_PASSWORD, sign_in_as

NEW_PASSWORD = "granite meadow compass 77"


def test_password_change_ends_other_sessions(app, physician, db_session):
    this_device = sign_in_as(app.test_client(), physician)
    other_device = sign_in_as(app.test_client(), physician)
    response = this_device.post(
        "/account",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert this_device.get("/physician/").status_code == 200
    kicked = other_device.get("/physician/")
    assert kicked.status_code == 302 and "/sign-in" in kicked.headers["Location"]
    assert verify_password(physician.password_hash, NEW_PASSWORD)


def test_password_change_needs_the_current_password(physician_client, physician):
    old_hash = physician.password_hash
    response = physician_client.post(
        "/account",
        data={
            "current_password": "not my password",
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert b"current password is not right" in response.data
    assert physician.password_hash == old_hash


def _reset_link_from_log(caplog) -> str:
    match = re.search(r"(http://passport\.test/reset-password/\S+)", caplog.text)
    assert match, caplog.text
    return match.group(1).replace("http://passport.test", "")


def test_password_reset_by_emailed_link(client, physician, caplog):
    with caplog.at_level(logging.WARNING, logger="passport.mail"):
        response = client.post("/reset-password", data={"email": physician.email})
    assert response.status_code == 302
    path = _reset_link_from_log(caplog)
    assert client.get(path).status_code == 200
    response = client.post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert verify_password(physician.password_hash, NEW_PASSWORD)
    # The link works once only.
    again = client.post(
        path, data={"new_password": NEW_PASSWORD + "x", "confirm": NEW_PASSWORD + "x"}
    )
    assert again.status_code == 400 and b"already been used" in again.data


def test_reset_request_does_not_reveal_whether_an_account_exists(client, caplog):
    with caplog.at_level(logging.WARNING, logger="passport.mail"):
        response = client.post("/reset-password", data={"email": "nobody@passport.example"})
    assert response.status_code == 302
    assert "reset-password/" not in caplog.text
    page = client.get(response.headers["Location"])
    assert b"If an account uses that address" in page.data


def test_tampered_reset_token_is_refused(app, client, physician):
    token = services.make_reset_token(app.config["SECRET_KEY"], physician)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.get(f"/reset-password/{tampered}")
    assert response.status_code == 400 and b"not valid" in response.data


def test_token_signed_with_another_key_is_refused(client, physician):
    forged = URLSafeTimedSerializer("attacker key", salt=services.RESET_SALT).dumps(
        {"user_id": physician.id, "fingerprint": "0" * 16}
    )
    assert client.get(f"/reset-password/{forged}").status_code == 400


def test_expired_reset_token_is_refused(app, client, physician, monkeypatch):
    token = services.make_reset_token(app.config["SECRET_KEY"], physician)
    monkeypatch.setitem(app.config, "PASSPORT_RESET_TOKEN_MAX_AGE", -1)
    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 400 and b"expired" in response.data


@pytest.mark.parametrize("weak", ["short", "qwerty123456"])
def test_reset_refuses_weak_passwords(app, client, physician, weak):
    token = services.make_reset_token(app.config["SECRET_KEY"], physician)
    old_hash = physician.password_hash
    response = client.post(f"/reset-password/{token}", data={"new_password": weak, "confirm": weak})
    assert response.status_code == 200
    assert physician.password_hash == old_hash


def test_reset_mail_goes_through_smtp_when_configured(app, client, physician, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def ehlo(self):
            pass

        def has_extn(self, name):
            return name == "starttls"

        def starttls(self, context=None):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append(("send", message["To"], message.get_body(("plain",)).get_content()))

    monkeypatch.setattr("passport.mail.smtplib.SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "PASSPORT_SMTP_HOST", "smtp.passport.example")
    monkeypatch.setitem(app.config, "PASSPORT_SMTP_USER", "mailer")
    client.post("/reset-password", data={"email": physician.email})
    assert sent[0] == ("connect", "smtp.passport.example", 587)
    assert ("starttls",) in sent and ("login", "mailer") in sent
    to, body = sent[-1][1], sent[-1][2]
    assert to == physician.email and "/reset-password/" in body
