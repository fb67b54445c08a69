"""API fixtures: the reporting world, an API client of its provider, and a real OAuth 2
client (Authlib's, over httpx) talking to the app in-process through WSGI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx2 as httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client

from passport.api import clients
from passport.api.models import ApiScope
from tests import factories
from tests.reporting.conftest import World, world  # noqa: F401 - the shared fixture

TOKEN_URL = "/api/v1/oauth/token"
BASE_URL = "https://passport.test"


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str
    api_client_id: int


def make_credentials(db_session, provider_id: int, scopes=ApiScope.ALL) -> Credentials:
    user = factories.ProviderStaffFactory(provider=db_session.get(factories.Provider, provider_id))
    created = clients.create_client(
        db_session, provider_id=provider_id, user_id=user.id, name="LMS", scopes=list(scopes)
    )
    db_session.commit()
    return Credentials(created.client.client_id, created.secret, created.client.id)


@contextmanager
def oauth_client(app, credentials: Credentials, scope: str | None = None) -> Iterator[OAuth2Client]:
    """A real OAuth 2 client holding a fresh token, as a provider's system would."""
    session = OAuth2Client(
        credentials.client_id,
        credentials.client_secret,
        scope=scope,
        token_endpoint=TOKEN_URL,
        base_url=BASE_URL,
        transport=httpx.WSGITransport(app=app),
    )
    try:
        session.fetch_token(TOKEN_URL, grant_type="client_credentials")
        yield session
    finally:
        session.close()


@pytest.fixture
def credentials(db_session, world) -> Credentials:  # noqa: F811 - the fixture above
    return make_credentials(db_session, world.provider.id)


@pytest.fixture
def api(app, credentials) -> Iterator[OAuth2Client]:
    with oauth_client(app, credentials) as session:
        yield session


def record(world, **overrides) -> dict:  # noqa: F811
    """A valid completion record for Jane Doe (A123456) on the world's activity."""
    values = {
        "activity_id": world.activity.activity_code,
        "completion_date": world.activity.starts_on.isoformat(),
        "first_name": "Jane",
        "last_name": "Doe",
        "date_of_birth": "--04-12",
        "licensing_state": "CA",
        "license_number": "A123456",
        "credits": "1.50",
        "credit_type": "AMA_PRA_1",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


__all__ = ["World", "record"]
