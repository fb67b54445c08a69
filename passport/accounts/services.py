"""Account operations: sign-up, password change and reset, staff accounts (checking a
password at sign-in is ``sign_in``'s).

Plain functions taking a session and values; they flush, the caller commits once.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from passport.accounts import user_sessions
from passport.accounts.models import User
from passport.accounts.passwords import (
    check_password_policy,
    hash_password,
    verify_password,
)
from passport.accounts.permissions import Role
from passport.accounts.queries import user_by_email
from passport.accounts.sign_up_notices import AddressInUse
from passport.db import utcnow
from passport.errors import NotFound, ValidationError
from passport.reporting.models import Provider
from passport.roster.models import Board
from passport.trail.services import record_event

RESET_SALT = "passport.password-reset"


def normalise_email(email: str) -> str:
    """Check an address's syntax and return it in lower case; raise ``ValidationError``."""
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(f"That email address is not valid: {error}", "email") from error
    return checked.normalized.lower()


def _new_user(
    session: Session,
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    role: Role,
    provider_id: int | None = None,
    board_id: int | None = None,
) -> User:
    email = normalise_email(email)
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name or not last_name:
        raise ValidationError("Please give a first and a last name.", "first_name")
    check_password_policy(password, [email, email.split("@")[0], first_name, last_name])
    existing = user_by_email(session, email)
    if existing is not None:  # a ValidationError; sign-up answers it as a new sign-up
        raise AddressInUse(existing)
    user = User(
        email=email,
        first_name=first_name,
        last_name=last_name,
        password_hash=hash_password(password),
        role=role.value,
        provider_id=provider_id,
        board_id=board_id,
    )
    session.add(user)
    session.flush()
    return user


def record_own_action(session: Session, user: User, action: str, ip: str | None = None) -> None:
    """Write to the audit trail something a user did to their own account."""
    record_event(
        session,
        actor_user_id=user.id,
        action=action,
        object_type="user",
        object_id=user.id,
        ip_address=ip,
    )


def register_physician(
    session: Session,
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    ip_address: str | None = None,
) -> User:
    """Self sign-up is for physicians only; staff accounts are created by an admin."""
    user = _new_user(
        session,
        email=email,
        first_name=first_name,
        last_name=last_name,
        password=password,
        role=Role.PHYSICIAN,
    )
    record_own_action(session, user, "user.signed_up", ip_address)
    return user


def create_user(
    session: Session,
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    role: Role,
    provider_accme_id: str | None = None,
    board_code: str | None = None,
    actor_user_id: int | None = None,
) -> User:
    """Create an account of any role; staff must name the provider or board they serve."""
    provider_id = board_id = None
    if role is Role.PROVIDER:
        provider = session.scalar(sa.select(Provider).where(Provider.accme_id == provider_accme_id))
        if provider is None:
            raise NotFound(f"No provider with ACCME ID {provider_accme_id!r}.")
        provider_id = provider.id
    if role is Role.BOARD:
        board = session.scalar(sa.select(Board).where(Board.code == board_code))
        if board is None:
            raise NotFound(f"No board with code {board_code!r}.")
        board_id = board.id
    user = _new_user(
        session,
        email=email,
        first_name=first_name,
        last_name=last_name,
        password=password,
        role=role,
        provider_id=provider_id,
        board_id=board_id,
    )
    # An administrator (or the command line) gave this address: it needs no confirmation.
    user.email_verified_at = utcnow()
    record_event(
        session,
        actor_user_id=actor_user_id,
        action="user.created",
        object_type="user",
        object_id=user.id,
        detail={"role": role.value, "provider_id": provider_id, "board_id": board_id},
    )
    return user


def create_invited_account(
    session: Session,
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    role: Role,
    provider_id: int | None,
    board_id: int | None,
    staff_admin: bool,
) -> User:
    """The account an accepted invitation makes (``accounts.invitations.accept``); the
    invitation proved the address, so it counts as confirmed."""
    user = _new_user(
        session,
        email=email,
        first_name=first_name,
        last_name=last_name,
        password=password,
        role=role,
        provider_id=provider_id,
        board_id=board_id,
    )
    user.email_verified_at = utcnow()
    user.is_staff_admin = staff_admin
    session.flush()
    return user


def _set_password(session: Session, user: User, new_password: str, action: str, ip: str | None):
    check_password_policy(
        new_password, [user.email, user.first_name, user.last_name], field="new_password"
    )
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.session_version += 1
    user_sessions.end_all(session, user)  # on the server too; the caller may start one
    record_own_action(session, user, action, ip)
    session.flush()


def change_password(
    session: Session, user: User, current_password: str, new_password: str, ip: str | None = None
) -> None:
    """Change a password; every existing session of the account ends."""
    if not verify_password(user.password_hash, current_password):
        raise ValidationError("Your current password is not right.", "current_password")
    _set_password(session, user, new_password, "user.password_changed", ip)


def _reset_fingerprint(user: User) -> str:
    """Part of the token that changes once the password does: a token works only once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(secret_key: str, user: User) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt=RESET_SALT)
    return serializer.dumps({"user_id": user.id, "fingerprint": _reset_fingerprint(user)})


def user_for_reset_token(session: Session, secret_key: str, token: str, max_age: int) -> User:
    """Return the user a reset token was issued to; raise ``ValidationError`` if it is
    tampered with, expired, or already used."""
    serializer = URLSafeTimedSerializer(secret_key, salt=RESET_SALT)
    try:
        payload = serializer.loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise ValidationError("This reset link has expired. Please ask for a new one.") from error
    except BadSignature as error:
        raise ValidationError("This reset link is not valid. Please ask for a new one.") from error
    user = session.get(User, payload.get("user_id"))
    if user is None or payload.get("fingerprint") != _reset_fingerprint(user):
        raise ValidationError("This reset link has already been used. Please ask for a new one.")
    return user


def reset_password(
    session: Session,
    secret_key: str,
    token: str,
    max_age: int,
    new_password: str,
    ip: str | None = None,
) -> User:
    user = user_for_reset_token(session, secret_key, token, max_age)
    _set_password(session, user, new_password, "user.password_reset", ip)
    return user
