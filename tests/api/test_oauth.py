"""OAuth 2 client credentials with a real client (Authlib's): token, use, expiry, revoke."""

from __future__ import annotations

import time

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from authlib.integrations.base_client.errors import OAuthError

from passport.api import clients
from passport.api.models import ApiClient, ApiScope, ApiToken, digest
from tests.api.conftest import BASE_URL, TOKEN_URL, make_credentials, oauth_client, record


def test_the_whole_journey_token_submit_read_delete_revoke(app, db_session, world, credentials):
    with oauth_client(app, credentials) as api:
        assert api.token["token_type"].lower() == "bearer"
        assert api.token["expires_in"] == 3600
        assert set(api.token["scope"].split()) == set(ApiScope.ALL)

        submitted = api.post(
            "/api/v1/completions", json={"permission_attested": True, "records": [record(world)]}
        )
        assert submitted.status_code == 200, submitted.text
        outcome = submitted.json()["records"][0]
        assert outcome["outcome"] == "created"

        read = api.get(f"/api/v1/completions/{outcome['completion_id']}")
        assert read.status_code == 200
        assert read.json()["match_status"] == "matched"
        assert read.json()["credits"] == "1.50"
        assert read.json()["date_of_birth"] == "--04-12"

        deleted = api.delete(f"/api/v1/completions/{outcome['completion_id']}")
        assert deleted.status_code == 200
        assert deleted.json()["deleted"] is True
        assert deleted.json()["version"] == 2

        clients.revoke_client(
            db_session,
            provider_id=world.provider.id,
            user_id=world.staff.id,
            api_client_id=credentials.api_client_id,
        )
        db_session.commit()
        refused = api.get("/api/v1/completions")
        assert refused.status_code == 401
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert "invalid_token" in refused.headers["WWW-Authenticate"]
        with pytest.raises(OAuthError):  # and no new token for a revoked client
            api.fetch_token(TOKEN_URL, grant_type="client_credentials")


def test_secret_and_tokens_are_stored_only_as_digests(app, db_session, credentials):
    with oauth_client(app, credentials) as api:
        token = api.token["access_token"]
    client = db_session.get(ApiClient, credentials.api_client_id)
    assert client.client_secret == digest(credentials.client_secret)
    stored = db_session.scalars(sa.select(ApiToken.access_token)).all()
    assert digest(token) in stored and token not in stored


def test_wrong_secret_gets_no_token(app, credentials):
    response = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL).post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        auth=(credentials.client_id, "not-the-secret"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_secret_in_the_form_body_is_accepted(app, credentials):
    response = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL).post(
        TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
        },
    )
    assert response.status_code == 200
    assert response.json()["expires_in"] == 3600


def test_an_expired_token_is_refused(app, db_session, credentials):
    with oauth_client(app, credentials) as api:
        db_session.execute(sa.update(ApiToken).values(issued_at=int(time.time()) - 3601))
        db_session.commit()
        response = api.get("/api/v1/activities")
    assert response.status_code == 401
    assert response.json()["title"] == "Authentication required"


def test_a_token_carries_only_the_scopes_asked_for(app, credentials, world):
    with oauth_client(app, credentials, scope=ApiScope.COMPLETIONS_READ) as api:
        assert api.token["scope"] == ApiScope.COMPLETIONS_READ
        assert api.get("/api/v1/completions").status_code == 200
        response = api.post(
            "/api/v1/completions", json={"permission_attested": True, "records": [record(world)]}
        )
    assert response.status_code == 403
    assert response.json()["title"] == "Insufficient scope"


def test_a_client_cannot_ask_for_scopes_it_was_not_given(app, db_session, world):
    read_only = make_credentials(db_session, world.provider.id, [ApiScope.COMPLETIONS_READ])
    with oauth_client(app, read_only, scope=" ".join(ApiScope.ALL)) as api:
        assert api.token["scope"] == ApiScope.COMPLETIONS_READ
        assert api.post("/api/v1/learners/check", json={"learners": []}).status_code == 403


def test_unknown_grant_types_are_refused(app, credentials):
    response = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL).post(
        TOKEN_URL,
        data={"grant_type": "password", "username": "x", "password": "y"},
        auth=(credentials.client_id, credentials.client_secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_a_deactivated_provider_reports_nothing_through_the_api(
    app, db_session, world, credentials
):
    from passport.reporting.providers import set_provider_active

    with oauth_client(app, credentials) as api:
        assert api.get("/api/v1/completions").status_code == 200
        set_provider_active(db_session, world.provider, False, actor_user_id=world.staff.id)
        db_session.commit()
        assert api.get("/api/v1/completions").status_code == 401  # its token stops at once
        with pytest.raises(OAuthError):  # and it gets no new one
            api.fetch_token(TOKEN_URL, grant_type="client_credentials")
        set_provider_active(db_session, world.provider, True, actor_user_id=world.staff.id)
        db_session.commit()
        assert api.get("/api/v1/completions").status_code == 200
