"""Two-factor sign-in with time-based one-time passwords (RFC 6238, through pyotp), and
one-time recovery codes for the day the phone is lost.

Board staff and admins must use it (they see many physicians' records); everyone else may.
The secret is stored encrypted with a key derived from ``SECRET_KEY`` (Fernet), so a copy
of the database alone does not let anyone mint codes. Rotating ``SECRET_KEY`` therefore
means staff enrol again. A code is accepted once: the time step of the last accepted code
is kept and an equal or older step is refused.

Plain functions taking a session and values; they flush, the caller commits.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.orm import Session

from passport.accounts.models import RecoveryCode, User
from passport.accounts.permissions import Role
from passport.accounts.services import record_own_action
from passport.db import utcnow
from passport.errors import ValidationError

ISSUER = "Passport CME"
REQUIRED_ROLES = frozenset({Role.BOARD.value, Role.ADMIN.value})
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud safely
STEP_SECONDS = 30


def is_required_for(user: User) -> bool:
    return user.role in REQUIRED_ROLES


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"passport.totp-secret:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_secret(secret: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI: an ``<img>`` the CSP allows."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _step_of(code: str, secret: str, now: float) -> int | None:
    """The time step ``code`` belongs to (this one, or one either side for clock drift)."""
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).upper()


def enable(
    session: Session, user: User, secret: str, code: str, secret_key: str, ip: str | None = None
) -> list[str]:
    """Turn two-factor on once the user proves their app holds ``secret``; return the new
    recovery codes, which are shown once and stored only as digests."""
    step = _step_of(_clean(code), secret, time.time())
    if step is None:
        raise ValidationError(
            "That code does not match. Check the time on your phone and try the newest code.",
            "code",
        )
    user.totp_secret = encrypt_secret(secret, secret_key)
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = replace_recovery_codes(session, user)
    record_own_action(session, user, "user.two_factor_enabled", ip)
    session.flush()
    return codes


def disable(session: Session, user: User, ip: str | None = None) -> None:
    """Forget the authenticator app and the recovery codes. For roles that require two
    factors this is how staff move to a new phone: the enrolment guard sends them straight
    to the setup page, and they can reach nothing else until they have enrolled again."""
    forget(session, user)
    record_own_action(session, user, "user.two_factor_disabled", ip)
    session.flush()


def forget(session: Session, user: User) -> None:
    """Forget the account's authenticator app and recovery codes (its owner turning it
    off, or a colleague resetting it: ``accounts.staff.reset_two_factor``)."""
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _digest(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def replace_recovery_codes(session: Session, user: User) -> list[str]:
    """Issue a fresh set of recovery codes; earlier ones stop working."""
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    session.add_all(RecoveryCode(user_id=user.id, code_digest=_digest(c)) for c in codes)
    session.flush()
    return codes


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(
        sa.select(sa.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def verify(session: Session, user: User, code: str, secret_key: str, now: float | None = None):
    """Accept a current authenticator code (once) or an unused recovery code (once).
    Return ``"totp"`` or ``"recovery"``, or ``None`` when the code is wrong."""
    cleaned = _clean(code)
    if user.totp_secret is None:
        return None
    if cleaned.isdigit() and len(cleaned) == 6:
        try:
            secret = _fernet(secret_key).decrypt(user.totp_secret.encode()).decode()
        except InvalidToken:
            return None  # SECRET_KEY rotated: the user must use a recovery code
        step = _step_of(cleaned, secret, time.time() if now is None else now)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            return None
        user.totp_last_step = step
        session.flush()
        return "totp"
    used = session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_digest == _digest(cleaned),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    if used.rowcount == 1:
        record_own_action(session, user, "user.recovery_code_used")
        return "recovery"
    return None
