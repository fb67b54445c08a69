"""Attacks on signing in, as an attacker would try them (issue 20): a shared lock-out,
account enumeration, sessions that outlive sign-out, a session's leftovers shown to the
next user, and ``next=`` sending people to another site."""

from __future__ import annotations

import logging
import re

import pytest

from passport.accounts.views import SETUP_SESSION_KEY
from tests import factories
from tests.conftest import TEST_PASSWORD

# next= -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile_next",
    [
        "%2F%09%2Fevil.example%2F",  # "/\t/evil.example/": browsers drop the tab: //evil...
        "/%0A/x",  # a newline in a Location header was a 500
        "/%0D%0A/evil.example",
        "%2F%5Cevil.example",  # "/\evil.example": browsers read \ as /
        "https://evil.example/",
        "//evil.example/",
        "/%20/evil.example",
        "///evil.example",
        "javascript:alert(1)",
        "/ok%7F",
    ],
)
def test_next_never_leaves_the_site(client, physician, hostile_next):
    response = client.post(
        f"/sign-in?next={hostile_next}",
        data={"email": physician.email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/" or location.endswith("/physician/"), location


def test_next_to_a_path_of_this_site_is_followed(client, physician):
    response = client.post(
        "/sign-in?next=%2Faccount%3Fx%3D1",
        data={"email": physician.email, "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/account?x=1"


# A lock-out everyone shares --------------------------------------------------------------

WRONG = "not the password at all"
CLIENT_A = {"REMOTE_ADDR": "203.0.113.7"}  # the attacker
CLIENT_B = {"REMOTE_ADDR": "198.51.100.20"}  # the account's owner


def _sign_in(client, email, password, environ):
    return client.post(
        "/sign-in", data={"email": email, "password": password}, environ_base=environ
    )


def test_wrong_passwords_from_one_client_do_not_lock_out_the_owner_elsewhere(app, physician):
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(6):  # past the free attempts: the attacker now waits
        _sign_in(attacker, physician.email, WRONG, CLIENT_A)
    delayed = _sign_in(attacker, physician.email, TEST_PASSWORD, CLIENT_A)
    assert b"Too many failed attempts" in delayed.data  # even the right password waits
    response = _sign_in(owner, physician.email, TEST_PASSWORD, CLIENT_B)
    assert response.status_code == 302, response.data
    assert owner.get("/physician/").status_code == 200


def test_many_addresses_cannot_lock_the_owner_out_either(app, physician):
    """The rate limit per account was a lock too: 10 wrong tries from anywhere in a
    minute and the owner got 'Too many attempts'."""
    attacker = app.test_client()
    limit = int(app.config["PASSPORT_LOGIN_LIMIT"].split()[0])
    for number in range(limit):
        _sign_in(attacker, physician.email, WRONG, {"REMOTE_ADDR": f"10.9.0.{number + 1}"})
    response = _sign_in(app.test_client(), physician.email, TEST_PASSWORD, CLIENT_B)
    assert response.status_code == 302


def _answer(response) -> str:
    text = response.get_data(as_text=True)
    start = text.index("<main")
    return re.sub(r"\d+ seconds?", "N seconds", text[start : text.index("</main>")])


def test_the_delay_reads_the_same_for_unknown_and_known_accounts(app, physician):
    known, unknown = app.test_client(), app.test_client()
    for _ in range(6):
        known_answer = _sign_in(known, physician.email, WRONG, CLIENT_A)
        unknown_answer = _sign_in(unknown, "nobody@passport.example", WRONG, CLIENT_B)
    assert b"Too many failed attempts" in known_answer.data
    assert _answer(known_answer).replace(physician.email, "E") == _answer(unknown_answer).replace(
        "nobody@passport.example", "E"
    )


# Sign-up and reset: the same words whether or not the address has an account -----------

NEW_ACCOUNT = {
    "first_name": "Ana",
    "last_name": "Nunez",
    "password": "lantern orchard velvet 42",
    "confirm": "lantern orchard velvet 42",
}


def _mails(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "passport.mail")


def test_sign_up_with_a_used_address_answers_as_a_new_sign_up(app, physician, caplog):
    with caplog.at_level(logging.WARNING, logger="passport.mail"):
        new = app.test_client().post(
            "/sign-up", data={**NEW_ACCOUNT, "email": "fresh@passport.example"}
        )
        new_mails = _mails(caplog)
        caplog.clear()
        used_client = app.test_client()
        used = used_client.post("/sign-up", data={**NEW_ACCOUNT, "email": physician.email})
        used_mails = _mails(caplog)
    assert used.status_code == new.status_code == 302
    assert used.headers["Location"] == new.headers["Location"]
    follow_new = app.test_client()
    follow_new.post("/sign-up", data={**NEW_ACCOUNT, "email": "fresh2@passport.example"})
    new_page = follow_new.get(new.headers["Location"]).get_data(as_text=True)
    used_page = used_client.get(used.headers["Location"]).get_data(as_text=True)
    assert new_page.replace("fresh2@passport.example", "E") == used_page.replace(
        physician.email, "E"
    ).replace(physician.email.lower(), "E")
    assert "already exists" not in used_page
    assert "fresh@passport.example" in new_mails
    # The address's owner is told, with a way in; the account itself is unchanged.
    assert physician.email in used_mails
    assert "tried to sign up" in used_mails
    assert "http://passport.test/sign-in" in used_mails
    assert "http://passport.test/reset-password" in used_mails


def test_a_weak_password_reads_the_same_for_a_used_address(client, physician):
    weak = {**NEW_ACCOUNT, "password": "short pw 1", "confirm": "short pw 1"}
    new = client.post("/sign-up", data={**weak, "email": "fresh@passport.example"})
    used = client.post("/sign-up", data={**weak, "email": physician.email})
    assert new.status_code == used.status_code == 200
    assert b"at least 12 characters" in used.data


def test_a_reset_reads_the_same_for_unknown_and_known_addresses(app, physician):
    known, unknown = app.test_client(), app.test_client()
    one = known.post("/reset-password", data={"email": physician.email})
    other = unknown.post("/reset-password", data={"email": "nobody@passport.example"})
    assert one.status_code == other.status_code == 302
    assert one.headers["Location"] == other.headers["Location"]
    assert _answer(known.get(one.headers["Location"])) == _answer(
        unknown.get(other.headers["Location"])
    )


# Sessions ------------------------------------------------------------------------------


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session", domain="passport.test")
    assert cookie is not None
    return cookie.value


def test_a_cookie_copied_before_sign_out_does_not_work_after(app, physician):
    browser = app.test_client()
    _sign_in(browser, physician.email, TEST_PASSWORD, CLIENT_B)
    assert browser.get("/physician/").status_code == 200
    copied = _session_cookie(browser)
    browser.post("/sign-out")
    thief = app.test_client()
    thief.set_cookie("session", copied, domain="passport.test")
    response = thief.get("/physician/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_password_reset_ends_every_session_on_the_server(app, physician, caplog):
    elsewhere = app.test_client()
    _sign_in(elsewhere, physician.email, TEST_PASSWORD, CLIENT_A)
    assert elsewhere.get("/physician/").status_code == 200
    with caplog.at_level(logging.WARNING, logger="passport.mail"):
        app.test_client().post("/reset-password", data={"email": physician.email})
    path = re.search(r"http://passport\.test(/reset-password/\S+)", caplog.text)[1]
    new_password = "a completely new passphrase 7"
    app.test_client().post(path, data={"new_password": new_password, "confirm": new_password})
    assert elsewhere.get("/physician/").status_code == 302


def test_sign_out_and_sign_in_start_a_clean_session(app, physician):
    """A two-factor setup key shown to one user must not be shown to the next user of
    the same browser."""
    browser = app.test_client()
    _sign_in(browser, physician.email, TEST_PASSWORD, CLIENT_B)
    first = browser.get("/account/two-factor").get_data(as_text=True)
    shown = re.search(r"Type this key instead: <code[^>]*>([A-Z2-7 ]+)</code>", first)[1]
    key = shown.replace(" ", "")
    browser.post("/sign-out")
    with browser.session_transaction() as flask_session:
        assert SETUP_SESSION_KEY not in flask_session
        flask_session[SETUP_SESSION_KEY] = key  # left behind some other way
    other = factories.UserFactory()
    _sign_in(browser, other.email, TEST_PASSWORD, CLIENT_B)
    second = browser.get("/account/two-factor").get_data(as_text=True)
    assert shown not in second
