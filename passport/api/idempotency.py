"""``Idempotency-Key`` for submissions: the same request sent again gets the same answer
and writes nothing new.

The key is remembered with a digest of the request and the response, in the same
transaction as the submission's writes, so either both are stored or neither. A key
reused with a different request is refused (422). A key is kept for a day.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.api.models import IdempotentRequest
from passport.db import utcnow

KEY_LIFETIME = timedelta(hours=24)


class KeyReused(Exception):
    """The key was used before for a different request."""


class Remembered(NamedTuple):
    status_code: int
    body: dict[str, Any]


def request_digest(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def remembered(session: Session, api_client_id: int, key: str, digest: str) -> Remembered | None:
    """The answer given before to this request with this key, if any (expired keys are
    forgotten here)."""
    entry = session.scalar(
        sa.select(IdempotentRequest).where(
            IdempotentRequest.api_client_id == api_client_id, IdempotentRequest.key == key
        )
    )
    if entry is None:
        return None
    if entry.created_at < utcnow() - KEY_LIFETIME:
        session.delete(entry)
        session.flush()
        return None
    if entry.request_digest != digest:
        raise KeyReused(key)
    return Remembered(entry.status_code, entry.response)


def remember(
    session: Session, api_client_id: int, key: str, digest: str, answer: Remembered
) -> None:
    session.add(
        IdempotentRequest(
            api_client_id=api_client_id,
            key=key,
            request_digest=digest,
            status_code=answer.status_code,
            response=answer.body,
        )
    )
    session.flush()
