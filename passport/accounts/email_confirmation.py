"""Confirming that an account's owner reads its e-mail address: a signed link, sent at
sign-up (and again on request), that sets ``email_verified_at``.

The token names the user and the address, so it stops working if the address changes,
and expires after ``CONFIRMATION_MAX_AGE``. A physician links no license before it.
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.db import utcnow
from passport.errors import ValidationError
from passport.trail.services import record_event

CONFIRMATION_SALT = "passport.confirm-email"
CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 3  # three days


def make_confirmation_token(secret_key: str, user: User) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt=CONFIRMATION_SALT)
    return serializer.dumps({"user_id": user.id, "email": user.email})


def confirm_email(
    session: Session, secret_key: str, token: str, ip_address: str | None = None
) -> User:
    """Mark the token's account as confirmed; raise ``ValidationError`` when the link is
    tampered with, expired, or for an address the account no longer has."""
    serializer = URLSafeTimedSerializer(secret_key, salt=CONFIRMATION_SALT)
    try:
        payload = serializer.loads(token, max_age=CONFIRMATION_MAX_AGE)
    except SignatureExpired as error:
        raise ValidationError(
            "This confirmation link has expired. Sign in to get a new one."
        ) from error
    except BadSignature as error:
        raise ValidationError("This confirmation link is not valid.") from error
    user = session.get(User, payload.get("user_id"))
    if user is None or user.email != payload.get("email"):
        raise ValidationError("This confirmation link is not valid.")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_event(
            session,
            actor_user_id=user.id,
            action="user.email_confirmed",
            object_type="user",
            object_id=user.id,
            ip_address=ip_address,
        )
        session.flush()
    return user
