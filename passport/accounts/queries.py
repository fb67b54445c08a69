"""Reads of user accounts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask import session as flask_session
from sqlalchemy.orm import Session

from passport.accounts import user_sessions
from passport.accounts.models import User
from passport.db import utcnow
from passport.extensions import db


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def _id_and_version(session_id: str) -> tuple[int, int] | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    return int(user_id), int(version)


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login's loader: the browser's server-side session must still exist (sign-out
    ends it: ``user_sessions``) and its version match the account's current one, so a
    password change ends every other session at once. One query. A disabled account, or
    staff of a deactivated board or provider, is refused even if a session survived."""
    parsed = _id_and_version(session_id)
    if parsed is None:
        return None
    started_after = utcnow() - current_app.permanent_session_lifetime
    token = flask_session.get(user_sessions.SESSION_TOKEN_KEY)
    user = user_sessions.user_of(db.session, *parsed, token, started_after)
    return user if user is not None and user.is_active else None


def user_by_session_id(session_id: str) -> User | None:
    """The user a Flask-Login id names, if its version is current (the two-factor step,
    before any session is started)."""
    parsed = _id_and_version(session_id)
    user = db.session.get(User, parsed[0]) if parsed else None
    if user is None or user.session_version != parsed[1]:
        return None
    return user


def list_users(session: Session, role: str | None = None) -> list[User]:
    query = sa.select(User).order_by(User.role, User.email)
    if role:
        query = query.where(User.role == role)
    return list(session.scalars(query))
