"""Two-factor sign-in (TOTP and recovery codes) and growing delays after failed sign-ins."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from passport.accounts import sign_in, two_factor
from passport.accounts.models import RecoveryCode, SignInFailure
from passport.db import utcnow
from passport.trail.models import AuditEvent
from tests import factories
from tests.conftest import TEST_PASSWORD, sign_in_as

TOTP = pyotp.TOTP(factories.TEST_TOTP_SECRET)


def _password_step(client, user):
    return client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})


def test_board_staff_need_a_code_after_the_password(client, board_user):
    response = _password_step(client, board_user)
    assert response.headers["Location"].endswith("/sign-in/two-factor")
    assert client.get("/board/").status_code == 302  # not signed in yet
    response = client.post("/sign-in/two-factor", data={"code": TOTP.now()})
    assert response.status_code == 302
    assert client.get("/board/").status_code == 200


def test_a_wrong_code_is_refused_and_counted(client, board_user, db_session):
    _password_step(client, board_user)
    response = client.post("/sign-in/two-factor", data={"code": "000000"})
    assert b"not right" in response.data
    assert client.get("/board/").status_code == 302
    # Counted against this address from this client (REMOTE_ADDR 127.0.0.1 in tests).
    key = sign_in.throttle_key(factories.TEST_SECRET_KEY, board_user.email, "127.0.0.1")
    assert db_session.get(SignInFailure, key).failures == 1


def test_a_code_works_only_once(app, client, board_user):
    code = TOTP.now()
    _password_step(client, board_user)
    client.post("/sign-in/two-factor", data={"code": code})
    client.post("/sign-out")
    other = app.test_client()
    _password_step(other, board_user)
    replay = other.post("/sign-in/two-factor", data={"code": code})
    assert b"already used" in replay.data


def test_the_code_page_needs_the_password_step_first(client):
    response = client.get("/sign-in/two-factor")
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")


def test_the_password_step_expires(client, board_user, monkeypatch):
    _password_step(client, board_user)
    later = time.time() + 301
    monkeypatch.setattr("passport.accounts.views.time", lambda: later)
    response = client.post("/sign-in/two-factor", data={"code": TOTP.now()})
    assert response.headers["Location"].endswith("/sign-in")


def _enrol(client, user):
    """Go through the setup page as a person would; return the recovery codes shown."""
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.data  # the QR code, as an image the CSP allows
    with client.session_transaction() as flask_session:
        secret = flask_session["two_factor_setup_secret"]
    assert secret.encode() in page.data.replace(b" ", b"")  # the key, for typing by hand
    response = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return secret, re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", response.get_data(as_text=True))


def test_a_physician_can_turn_it_on_and_then_needs_it(app, physician, db_session):
    client = sign_in_as(app.test_client(), physician)
    secret, codes = _enrol(client, physician)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    db_session.refresh(physician)
    assert physician.has_two_factor
    assert secret not in physician.totp_secret  # stored encrypted
    stored = db_session.scalars(sa.select(RecoveryCode.code_digest)).all()
    assert not set(codes) & set(stored)  # only digests are kept

    fresh = app.test_client()
    response = _password_step(fresh, physician)
    assert response.headers["Location"].endswith("/sign-in/two-factor")
    fresh.post("/sign-in/two-factor", data={"code": codes[0].lower()})  # case is forgiven
    assert fresh.get("/physician/").status_code == 200
    fresh.post("/sign-out")
    _password_step(fresh, physician)
    again = fresh.post("/sign-in/two-factor", data={"code": codes[0]})
    assert b"already used" in again.data  # a recovery code works once


def test_setup_refuses_a_wrong_code(physician_client, physician):
    physician_client.get("/account/two-factor")
    response = physician_client.post("/account/two-factor", data={"code": "123456"})
    assert b"does not match" in response.data
    assert not physician.has_two_factor


def test_board_staff_without_it_can_reach_only_the_setup_page(app, db_session):
    user = factories.BoardStaffFactory(totp_secret=None, totp_enabled_at=None)
    client = app.test_client()
    response = _password_step(client, user)
    assert response.headers["Location"].endswith("/account/two-factor")
    for path in ("/board/", "/board/audit", "/account"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked.headers["Location"].endswith("/account/two-factor")
    assert client.get("/account/two-factor").status_code == 200
    assert client.get("/api/v1/activities").status_code == 401  # the API ignores sessions
    _enrol(client, user)
    assert client.get("/board/").status_code == 200


def test_physicians_may_turn_it_off_with_their_password(app, physician, db_session):
    client = sign_in_as(app.test_client(), physician)
    _enrol(client, physician)
    client.post("/account/two-factor/disable", data={"password": "wrong" * 4})
    db_session.refresh(physician)
    assert physician.has_two_factor
    client.post("/account/two-factor/disable", data={"password": TEST_PASSWORD})
    db_session.refresh(physician)
    assert not physician.has_two_factor
    assert db_session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0


def test_board_staff_can_move_to_a_new_phone_but_never_go_without(
    board_client, board_user, db_session
):
    response = board_client.post("/account/two-factor/disable", data={"password": TEST_PASSWORD})
    assert response.headers["Location"].endswith("/account/two-factor")
    db_session.refresh(board_user)
    assert not board_user.has_two_factor
    blocked = board_client.get("/board/")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith(
        "/account/two-factor"
    )
    _enrol(board_client, board_user)  # the new phone
    assert board_client.get("/board/").status_code == 200


def test_new_recovery_codes_replace_the_old(app, physician, db_session):
    client = sign_in_as(app.test_client(), physician)
    _, old = _enrol(client, physician)
    response = client.post("/account/two-factor/recovery-codes", data={"password": TEST_PASSWORD})
    new = re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", response.get_data(as_text=True))
    assert len(new) == two_factor.RECOVERY_CODE_COUNT and not set(new) & set(old)
    assert two_factor.verify(db_session, physician, old[0], factories.TEST_SECRET_KEY) is None
    assert two_factor.verify(db_session, physician, new[0], factories.TEST_SECRET_KEY) == "recovery"


def test_codes_from_the_next_and_previous_step_are_accepted_for_clock_drift(db_session):
    user = factories.BoardStaffFactory()
    now = 1_900_000_000.0
    earlier = TOTP.at(now - 30)
    assert two_factor.verify(db_session, user, earlier, factories.TEST_SECRET_KEY, now) == "totp"
    too_old = TOTP.at(now - 90)
    assert two_factor.verify(db_session, user, too_old, factories.TEST_SECRET_KEY, now) is None


# Growing delays after failed sign-ins.


@pytest.mark.parametrize(
    ("failures", "seconds"), [(1, 0), (3, 0), (4, 2), (5, 4), (8, 32), (12, 512), (20, 900)]
)
def test_the_delay_grows_with_each_failure_and_is_capped(failures, seconds):
    assert sign_in.sign_in_delay(failures) == timedelta(seconds=seconds)


def test_after_repeated_failures_even_the_right_password_must_wait(client, physician, db_session):
    for _ in range(sign_in.FREE_SIGN_IN_ATTEMPTS + 1):
        client.post("/sign-in", data={"email": physician.email, "password": "wrong" * 4})
    response = _password_step(client, physician)
    assert b"Please wait" in response.data
    assert client.get("/physician/").status_code == 302
    events = db_session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_id == physician.id)
    ).all()
    assert "user.sign_in_delayed" in events


def test_the_wait_ends_and_a_success_resets_the_count(db_session, physician):
    start = utcnow()
    key = sign_in.throttle_key("k", physician.email, "192.0.2.1")
    for _ in range(sign_in.FREE_SIGN_IN_ATTEMPTS + 2):
        sign_in.note_failed_sign_in(db_session, key, user=physician, now=start)
    with pytest.raises(sign_in.SignInDelayed) as delayed:
        sign_in.authenticate(db_session, physician.email, TEST_PASSWORD, key=key, now=start)
    assert delayed.value.wait_seconds == 4
    later = start + timedelta(seconds=5)
    user = sign_in.authenticate(db_session, physician.email, TEST_PASSWORD, key=key, now=later)
    assert user is physician
    sign_in.note_successful_sign_in(db_session, user, key)
    assert db_session.get(SignInFailure, key) is None


def test_failures_are_forgotten_after_a_day(db_session, physician):
    key = sign_in.throttle_key("k", physician.email, "192.0.2.1")
    start = utcnow()
    for _ in range(sign_in.FREE_SIGN_IN_ATTEMPTS + 3):
        sign_in.note_failed_sign_in(db_session, key, now=start)
    sign_in.note_failed_sign_in(db_session, key, now=start + timedelta(days=1, seconds=1))
    assert db_session.get(SignInFailure, key).failures == 1
