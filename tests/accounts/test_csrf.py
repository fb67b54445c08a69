"""With CSRF protection on (as in production), every POST without a token is refused."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in_as


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


CSRF_EXEMPT = {"notifications.unsubscribe"}


def test_every_post_route_refuses_a_missing_token(app, csrf_on, users_by_role):
    # The web service (/api/) reads bearer tokens only, never the session cookie, so a
    # forged cross-site request has nothing to ride on; tests/api checks cookies are ignored.
    # The one-click unsubscribe (RFC 8058) is POSTed by mail providers with no session or
    # form: the signed token in its URL is the proof, and it can only turn e-mail off.
    post_rules = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods
        and not rule.rule.startswith("/api/")
        and rule.endpoint not in CSRF_EXEMPT
    ]
    assert post_rules
    for rule in post_rules:
        url = rule.build({name: 1 if name.endswith("_id") else "x" for name in rule.arguments})[1]
        for user in [None, *users_by_role.values()]:
            client = app.test_client()
            if user is not None:
                sign_in_as(client, user)
            response = client.post(url, data={})
            assert response.status_code in (400, 302, 403), (rule.rule, user)
            if response.status_code == 400:
                assert b"Form expired" in response.data


def test_sign_in_form_with_token_works(app, csrf_on, client, physician):
    page = client.get("/sign-in")
    token = page.data.split(b'name="csrf_token" type="hidden" value="')[1].split(b'"')[0]
    response = client.post(
        "/sign-in",
        data={
            "csrf_token": token.decode(),
            "email": physician.email,
            "password": "correct horse battery staple",
        },
    )
    assert response.status_code == 302


def test_sign_in_without_token_is_refused(app, csrf_on, client, physician):
    response = client.post(
        "/sign-in", data={"email": physician.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 400
    assert b"Form expired" in response.data
