"""API clients, their access tokens and remembered idempotent requests.

Clients and tokens use Authlib's SQLAlchemy mixins. Two choices differ from the mixins'
defaults: the client secret and the access tokens are stored only as SHA-256 digests
(both are 256-bit random strings, so a fast digest is enough and a leaked table yields
nothing usable), and a client can be revoked, which stops all of its tokens at once.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from authlib.integrations.sqla_oauth2 import OAuth2ClientMixin, OAuth2TokenMixin
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passport.db import Base, UTCDateTime, utcnow


class ApiScope:
    """The scopes a provider can grant an API client, and what each allows."""

    ACTIVITIES_WRITE = "activities:write"
    COMPLETIONS_WRITE = "completions:write"
    COMPLETIONS_READ = "completions:read"

    DESCRIPTIONS = {
        ACTIVITIES_WRITE: "Create and update your activities (listing them needs no scope).",
        COMPLETIONS_WRITE: "Submit and delete completions, and check learners.",
        COMPLETIONS_READ: "Read completions and upload outcomes.",
    }
    ALL = tuple(DESCRIPTIONS)


def digest(secret: str) -> str:
    """The stored form of a client secret or an access token."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiClient(Base, OAuth2ClientMixin):
    """A provider's machine client: client-credentials grant only."""

    __tablename__ = "api_clients"
    __table_args__ = (sa.UniqueConstraint("client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("providers.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    created_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    provider = relationship("Provider")

    @property
    def scopes(self) -> list[str]:
        return scope_to_list(self.scope) or []

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def check_client_secret(self, client_secret: str) -> bool:
        return not self.is_revoked and secrets.compare_digest(
            self.client_secret, digest(client_secret)
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        # HTTP Basic (the OAuth default) or the secret in the form body: both are common.
        return method in ("client_secret_basic", "client_secret_post")

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"

    def get_allowed_scope(self, scope: str | None) -> str:
        """The requested scopes this client holds; all of them when none are asked for."""
        if not scope:
            return list_to_scope(self.scopes)
        return list_to_scope([s for s in scope_to_list(scope) if s in self.scopes])


class ApiToken(Base, OAuth2TokenMixin):
    """An access token (stored as its digest), valid for an hour unless revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    api_client_id: Mapped[int] = mapped_column(
        sa.ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )

    client = relationship(ApiClient, lazy="joined")

    def is_revoked(self) -> bool:
        return bool(self.access_token_revoked_at) or self.client.is_revoked

    def is_expired(self) -> bool:
        return self.issued_at + self.expires_in < time.time()


class IdempotentRequest(Base):
    """A submission made with an ``Idempotency-Key``: what was asked and what was answered,
    so the same request sent again gets the same answer and writes nothing."""

    __tablename__ = "api_idempotent_requests"
    __table_args__ = (sa.UniqueConstraint("api_client_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_client_id: Mapped[int] = mapped_column(sa.ForeignKey("api_clients.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    request_digest: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int] = mapped_column(sa.SmallInteger)
    response: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
