"""The OAuth 2 authorization server (client-credentials grant only) and the guard for
API views, both from Authlib.

API views are marked ``@api_scope(...)`` instead of ``@requires(...)``: they accept only a
bearer token, never the session cookie, so a signed-in browser cannot be tricked into
calling them (and CSRF tokens are not needed). Errors come back as problem details.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import Flask, g

from passport.api.models import ApiClient, ApiToken, digest
from passport.api.problems import problem
from passport.db import utcnow
from passport.extensions import db
from passport.reporting.models import Provider

F = TypeVar("F", bound=Callable[..., Any])
TOKEN_LIFETIME_SECONDS = 3600


class ApiAccess(frozenset):
    """The access rule of an API view: the scopes its bearer token must hold."""


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


def _query_client(client_id: str) -> ApiClient | None:
    client = db.session.scalar(sa.select(ApiClient).where(ApiClient.client_id == client_id))
    # A deactivated provider reports nothing: its clients get no token.
    if client is None or client.is_revoked or not client.provider.active:
        return None
    return client


def _save_token(token: dict[str, Any], request: Any) -> None:
    client = request.client
    db.session.add(
        ApiToken(
            api_client_id=client.id,
            client_id=client.client_id,
            token_type=token["token_type"],
            access_token=digest(token["access_token"]),
            scope=token.get("scope", ""),
            issued_at=int(time.time()),
            expires_in=token["expires_in"],
        )
    )
    client.last_used_at = utcnow()
    db.session.commit()


class _DigestBearerTokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> ApiToken | None:
        # The provider's ``active`` is read with the token: deactivating it stops its
        # tokens at once, as revoking a client does.
        return db.session.scalar(
            sa.select(ApiToken)
            .join(ApiClient, ApiClient.id == ApiToken.api_client_id)
            .join(Provider, Provider.id == ApiClient.provider_id)
            .where(ApiToken.access_token == digest(token_string), Provider.active.is_(True))
        )


authorization_server = AuthorizationServer()
resource_protector = ResourceProtector()
_validator = _DigestBearerTokenValidator()
resource_protector.register_token_validator(_validator)


def init_oauth(app: Flask) -> None:
    app.config.setdefault("OAUTH2_TOKEN_EXPIRES_IN", {"client_credentials": TOKEN_LIFETIME_SECONDS})
    authorization_server.init_app(app, query_client=_query_client, save_token=_save_token)
    if not authorization_server._token_grants:  # one server object serves every app built
        authorization_server.register_grant(ClientCredentialsGrant)


def bearer_token(scopes: list[str] | None = None) -> ApiToken:
    """The request's valid token holding ``scopes``; raises ``OAuth2Error``.

    The token is looked up once per request (the rate limiter asks first, the view next).
    """
    token = g.get("api_token")
    if token is None:
        token = g.api_token = resource_protector.acquire_token()
    _validator.validate_token(token, scopes, None)
    return token


def api_scope(*scopes: str) -> Callable[[F], F]:
    """Require a bearer token holding every one of ``scopes`` (none: any valid token)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                bearer_token(list(scopes))
            except OAuth2Error as error:
                return oauth_problem(error)
            return view(*args, **kwargs)

        guarded.access_rule = ApiAccess(scopes)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def oauth_problem(error: OAuth2Error):
    """An OAuth error (no token, a bad or expired one, a missing scope) as a problem."""
    titles = {
        401: "Authentication required",
        403: "Insufficient scope",
    }
    status = error.status_code
    return problem(
        status,
        titles.get(status, "Not allowed"),
        error.description
        or {
            "missing_authorization": "Send an access token: Authorization: Bearer <token>.",
            "invalid_token": "The access token is unknown, expired or revoked.",
            "insufficient_scope": "The access token does not hold the scope this needs.",
        }.get(error.error, error.error),
        headers={k: v for k, v in error.get_headers() if k.lower() == "www-authenticate"},
    )


def current_client() -> ApiClient:
    return g.api_token.client


def current_provider_id() -> int:
    return current_client().provider_id
