"""Sessions kept on the server, so that signing out really ends one.

Flask's session is a signed cookie: on its own, a copy taken before sign-out keeps
working after it. At sign-in the browser's session gets a random token; the database
keeps only its SHA-256 (``UserSession``), and the user loader accepts a session only
while its row exists and is younger than ``PERMANENT_SESSION_LIFETIME``. Sign-out deletes
the row; a password change or reset deletes every row of the account. Plain functions
taking a session and values; they flush.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts.models import User, UserSession
from passport.db import utcnow

SESSION_TOKEN_KEY = "_session_token"  # noqa: S105 - the Flask session's key, not a secret


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user: User) -> str:
    """A new server-side session for ``user``; returns the token for the Flask session."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(id=digest(token), user_id=user.id, created_at=utcnow()))
    session.flush()
    return token


def end(session: Session, token: str | None) -> None:
    if token:
        session.execute(sa.delete(UserSession).where(UserSession.id == digest(token)))
        session.flush()


def end_all(session: Session, user: User) -> None:
    """Every session of the account ends (a password change or reset)."""
    session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    session.flush()


def end_expired(session: Session, user: User, started_after: datetime) -> None:
    """Forget the account's sessions that can no longer be used (run at sign-in)."""
    session.execute(
        sa.delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at <= started_after
        )
    )


def user_of(
    session: Session, user_id: int, version: int, token: str | None, started_after: datetime
) -> User | None:
    """The user whose live session ``token`` is, in one primary-key lookup joined to the
    account; ``None`` when the session ended, expired, or belongs to another version."""
    if not token:
        return None
    return session.scalar(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.id == digest(token),
            User.id == user_id,
            User.session_version == version,
            UserSession.created_at > started_after,
        )
    )


def end_all_of(session: Session, user_ids: sa.Select) -> None:
    """Every session of every account ``user_ids`` selects ends (a board or provider
    deactivated: its staff are signed out at once)."""
    session.execute(sa.delete(UserSession).where(UserSession.user_id.in_(user_ids)))
    session.flush()
