"""Sign-in, sign-out, landing pages and throttling."""

from __future__ import annotations

import pyotp
import pytest

from tests import factories
from tests.conftest import TEST_PASSWORD


@pytest.mark.parametrize(
    ("role_fixture", "home"),
    [
        ("physician", "/physician/"),
        ("provider_user", "/provider/"),
        ("board_user", "/board/"),
        ("admin_user", "/admin/"),
    ],
)
def test_each_role_lands_on_its_home(request, client, role_fixture, home):
    user = request.getfixturevalue(role_fixture)
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    if user.has_two_factor:  # board staff and admins: the code from their app comes next
        assert response.headers["Location"].endswith("/sign-in/two-factor")
        code = pyotp.TOTP(factories.TEST_TOTP_SECRET).now()
        response = client.post("/sign-in/two-factor", data={"code": code})
        assert response.status_code == 302
    landing = client.get(response.headers["Location"])
    assert landing.status_code == 302 and landing.headers["Location"].endswith(home)
    page = client.get(home)
    assert page.status_code == 200
    assert b"Sign out" in page.data


def test_wrong_password_gives_one_generic_message(client, physician):
    response = client.post("/sign-in", data={"email": physician.email, "password": "wrong" * 4})
    assert response.status_code == 200
    assert b"do not match an account" in response.data
    unknown = client.post(
        "/sign-in", data={"email": "nobody@passport.example", "password": "wrong" * 4}
    )
    assert b"do not match an account" in unknown.data


def test_inactive_account_cannot_sign_in(client, db_session):
    user = factories.UserFactory(is_active_account=False)
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert b"do not match an account" in response.data


def test_sign_in_follows_only_local_next(client, physician):
    response = client.post(
        "/sign-in?next=https://evil.example/",
        data={"email": physician.email, "password": TEST_PASSWORD},
    )
    assert "evil.example" not in response.headers["Location"]
    client.post("/sign-out")
    response = client.post(
        "/sign-in?next=/account", data={"email": physician.email, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"].endswith("/account")


def test_sign_out_ends_the_session(physician_client):
    assert physician_client.get("/physician/").status_code == 200
    physician_client.post("/sign-out")
    response = physician_client.get("/physician/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_repeated_failures_are_throttled_with_a_friendly_page(app, client, physician):
    limit = int(app.config["PASSPORT_LOGIN_LIMIT"].split()[0])
    for _ in range(limit):
        client.post("/sign-in", data={"email": physician.email, "password": "wrong" * 4})
    response = client.post("/sign-in", data={"email": physician.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert b"Too many attempts" in response.data


def test_throttling_is_per_address_never_a_lock_on_the_account(app, client, physician):
    """Failures from many addresses slow those addresses; the owner signing in from
    another is let in (the attack itself: tests/security/test_sign_in_attacks.py)."""
    limit = int(app.config["PASSPORT_LOGIN_LIMIT"].split()[0])
    for number in range(limit):
        client.post(
            "/sign-in",
            data={"email": physician.email, "password": "wrong" * 4},
            environ_base={"REMOTE_ADDR": f"10.0.0.{number + 1}"},
        )
    response = client.post(
        "/sign-in",
        data={"email": physician.email, "password": TEST_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert response.status_code == 302
