"""API client operations for provider staff: create (the secret is shown once), revoke."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.api.models import ApiClient, ApiScope, ApiToken, digest
from passport.db import utcnow
from passport.errors import Forbidden, NotFound, ValidationError
from passport.trail.services import record_event


@dataclass(frozen=True)
class NewClient:
    client: ApiClient
    secret: str
    """The only time the secret exists in clear: show it once, never store it."""


def create_client(
    session: Session,
    *,
    provider_id: int,
    user_id: int,
    name: str,
    scopes: list[str],
    ip_address: str | None = None,
) -> NewClient:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the client a name, e.g. the system that will use it.", "name")
    unknown = [scope for scope in scopes if scope not in ApiScope.ALL]
    if unknown or not scopes:
        raise ValidationError("Choose at least one of the listed scopes.", "scopes")
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        provider_id=provider_id,
        name=name[:100],
        created_by_user_id=user_id,
        client_id="pp_" + secrets.token_urlsafe(18),
        client_secret=digest(secret),
        client_id_issued_at=int(time.time()),
    )
    client.set_client_metadata(
        {
            "client_name": client.name,
            "grant_types": ["client_credentials"],
            "token_endpoint_auth_method": "client_secret_basic",
            "scope": " ".join(scope for scope in ApiScope.ALL if scope in scopes),
        }
    )
    session.add(client)
    session.flush()
    record_event(
        session,
        actor_user_id=user_id,
        action="api_client.created",
        object_type="api_client",
        object_id=client.id,
        detail={"client_id": client.client_id, "scopes": client.scopes},
        ip_address=ip_address,
    )
    return NewClient(client, secret)


def revoke_client(
    session: Session,
    *,
    provider_id: int,
    user_id: int,
    api_client_id: int,
    ip_address: str | None = None,
) -> ApiClient:
    """Revoke a client and every token it holds, effective at once."""
    client = client_for_provider(session, provider_id, api_client_id)
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        session.execute(
            sa.update(ApiToken)
            .where(ApiToken.api_client_id == client.id, ApiToken.access_token_revoked_at == 0)
            .values(access_token_revoked_at=int(time.time()))
        )
        record_event(
            session,
            actor_user_id=user_id,
            action="api_client.revoked",
            object_type="api_client",
            object_id=client.id,
            ip_address=ip_address,
        )
    session.flush()
    return client


def client_for_provider(session: Session, provider_id: int, api_client_id: int) -> ApiClient:
    client = session.get(ApiClient, api_client_id)
    if client is None:
        raise NotFound("No such API client.")
    if client.provider_id != provider_id:
        raise Forbidden("This API client belongs to another provider.")
    return client


def clients_of_provider(session: Session, provider_id: int) -> list[ApiClient]:
    return list(
        session.scalars(
            sa.select(ApiClient)
            .where(ApiClient.provider_id == provider_id)
            .order_by(ApiClient.revoked_at.is_not(None), ApiClient.created_at.desc())
        )
    )
