"""Reads of user accounts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.extensions import db


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login's loader: the session's version must match the account's current one,
    so a password change ends every other session at once."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def list_users(session: Session, role: str | None = None) -> list[User]:
    query = sa.select(User).order_by(User.role, User.email)
    if role:
        query = query.where(User.role == role)
    return list(session.scalars(query))
