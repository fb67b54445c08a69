"""Provider staff create and revoke API clients; the secret is shown once, kept hashed."""

from __future__ import annotations

import re

import sqlalchemy as sa

from passport.api.models import ApiClient, digest


def test_create_shows_the_secret_once_and_stores_its_digest(
    provider_client, provider_user, db_session
):
    page = provider_client.get("/provider/api-clients/")
    assert page.status_code == 200
    assert b"No API clients yet" in page.data
    created = provider_client.post(
        "/provider/api-clients/", data={"name": "LMS production", "scopes": ["completions:write"]}
    )
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    secret = (
        re.search(rb"Client secret</dt><dd><code>([^<]+)</code>", created.data).group(1).decode()
    )
    client = db_session.scalar(sa.select(ApiClient))
    assert client.provider_id == provider_user.provider_id
    assert client.scopes == ["completions:write"]
    assert client.client_secret == digest(secret) != secret
    listing = provider_client.get("/provider/api-clients/")
    assert b"LMS production" in listing.data
    assert secret.encode() not in listing.data


def test_a_client_needs_a_name_and_a_scope(provider_client, db_session):
    response = provider_client.post("/provider/api-clients/", data={"name": " ", "scopes": []})
    assert response.status_code == 200
    assert b"Please fix the following" in response.data
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ApiClient)) == 0


def test_revoke(provider_client, db_session):
    provider_client.post(
        "/provider/api-clients/", data={"name": "Old LMS", "scopes": ["completions:read"]}
    )
    client = db_session.scalar(sa.select(ApiClient))
    response = provider_client.post(f"/provider/api-clients/{client.id}/revoke")
    assert response.status_code == 302
    db_session.refresh(client)
    assert client.is_revoked
    assert b"Revoked" in provider_client.get("/provider/api-clients/").data
