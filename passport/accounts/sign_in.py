"""Checking a password without handing anyone a lock on someone else's account.

Failed sign-ins are counted per e-mail address *and* client address (``SignInFailure``,
keyed by an HMAC of the two): after a few in a row, that pair waits 2 s, 4 s, 8 s ... up
to 15 minutes before its next attempt is even checked. Someone guessing from one place
slows only themselves; the owner signing in from elsewhere is never held up by it. An
unknown address is counted exactly like a known one, so the delay tells nobody which
addresses have accounts. Plain functions taking a session and values; they flush.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from passport.accounts.models import SignInFailure, User
from passport.accounts.passwords import (
    hash_password,
    needs_rehash,
    spend_one_verification,
    verify_password,
)
from passport.accounts.queries import user_by_email
from passport.db import utcnow
from passport.trail.services import record_event

# After this many failed sign-ins in a row, each further failure makes the pair wait
# before the next attempt: 2 s, 4 s, 8 s ... up to 15 minutes. A success resets the count,
# and a day without failures forgets it.
FREE_SIGN_IN_ATTEMPTS = 3
MAX_SIGN_IN_DELAY = timedelta(minutes=15)
FORGET_FAILURES_AFTER = timedelta(days=1)


class SignInDelayed(Exception):
    """Too many failed sign-ins from here: no attempt is checked until ``until``."""

    def __init__(self, until: datetime, now: datetime) -> None:
        super().__init__("sign-in delayed")
        self.until = until
        self.wait_seconds = max(1, math.ceil((until - now).total_seconds()))


def sign_in_delay(failures: int) -> timedelta:
    """How long a pair waits after its ``failures``-th failed sign-in in a row."""
    if failures <= FREE_SIGN_IN_ATTEMPTS:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_SIGN_IN_ATTEMPTS)), MAX_SIGN_IN_DELAY)


def throttle_key(secret_key: str, email: str, client: str | None) -> str:
    """The counter's key for an e-mail address (as typed, folded) and a client address."""
    message = f"{email.strip().lower()}\n{client or ''}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def check_not_delayed(session: Session, key: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    until = session.scalar(sa.select(SignInFailure.blocked_until).where(SignInFailure.key == key))
    if until is not None and now < until:
        raise SignInDelayed(until, now)


def _insert(session: Session):  # noqa: ANN202 - the dialect's INSERT ... ON CONFLICT
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(SignInFailure)


def note_failed_sign_in(
    session: Session, key: str, *, user: User | None = None, now: datetime | None = None
) -> None:
    """Count a wrong password or a wrong second-factor code for ``key``; one statement,
    so two failures at the same moment both count."""
    now = now or utcnow()
    session.execute(
        sa.delete(SignInFailure).where(SignInFailure.last_failed_at < now - FORGET_FAILURES_AFTER)
    )
    insert = _insert(session).values(key=key, failures=1, last_failed_at=now)
    failures = session.execute(
        insert.on_conflict_do_update(
            index_elements=[SignInFailure.key],
            set_={"failures": SignInFailure.failures + 1, "last_failed_at": now},
        ).returning(SignInFailure.failures)
    ).scalar_one()
    delay = sign_in_delay(failures)
    if delay:
        session.execute(
            sa.update(SignInFailure)
            .where(SignInFailure.key == key)
            .values(blocked_until=now + delay)
        )
    if user is not None and failures == FREE_SIGN_IN_ATTEMPTS + 1:
        record_event(
            session,
            actor_user_id=None,
            action="user.sign_in_delayed",
            object_type="user",
            object_id=user.id,
            detail={"failures": failures},
        )
    session.flush()


def note_successful_sign_in(session: Session, user: User, key: str) -> None:
    session.execute(sa.delete(SignInFailure).where(SignInFailure.key == key))
    user.last_sign_in_at = utcnow()
    session.flush()


def authenticate(
    session: Session, email: str, password: str, *, key: str, now: datetime | None = None
) -> User | None:
    """Return the user if the password is right and the account active, else ``None``.

    Raises ``SignInDelayed`` while ``key`` (this address from this client) waits after
    repeated failures, known account or not; the password is then not even checked. An
    unknown e-mail costs one hash verification and counts a failure, as a wrong password
    does. The caller commits in every case: a failure is counted.
    """
    check_not_delayed(session, key, now)
    user = user_by_email(session, email)
    if user is None:
        spend_one_verification(password)
        note_failed_sign_in(session, key, now=now)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        note_failed_sign_in(session, key, user=user, now=now)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user
