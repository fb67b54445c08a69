"""License linking: a physician proves a license (board, number, last name, DOB MM/DD)
against the roster, and the link lets them see the credits reported for it.

What proves it: an e-mail address the account owner has confirmed; the roster's details;
and, when the board's roster carries the licensee's e-mail address, a one-time code sent
there. Every failure, a license already linked to another account included, gets one
generic message, so the form cannot be used to learn the roster. Failures are counted per
account and per client address (never per license: an outsider must not be able to lock
the real holder out); a license claimed by a second account is left for the board and
administrators, who can move it to the rightful account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.db import utcnow
from passport.errors import DomainError, Forbidden, NotFound, ValidationError
from passport.reporting.validation import parse_dob
from passport.roster.identifiers import name_key, normalise_license_number
from passport.roster.models import Board, Licensee, LicenseLink, LicenseLinkCode, LinkAttempt
from passport.trail.services import record_event

GENERIC_FAILURE = (
    "We could not verify this license. Check the board, the license number, your last name "
    "and your date of birth exactly as the board has them, then try again. If they are "
    "right and this still fails, please contact the board."
)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 10
FAILURE_WINDOW = timedelta(hours=1)
CODE_LIFETIME = timedelta(minutes=30)
MAX_CODE_TRIES = 5
_FAILED_OUTCOMES = ("no_match", "claimed_by_other", "bad_code")


class LinkThrottled(DomainError):
    """Too many failed attempts: wait until ``retry_at``."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(
            "Too many unsuccessful attempts. For your security, linking is paused for up "
            "to an hour; please try again later or contact the board."
        )
        self.retry_at = retry_at


class EmailNotConfirmed(DomainError):
    """The account's e-mail address is not confirmed yet: no license may be linked."""

    def __init__(self) -> None:
        super().__init__(
            "Please confirm your e-mail address first: open the link we e-mailed you when "
            "you signed up, or send a new one from this page."
        )


@dataclass(frozen=True)
class LinkRequest:
    board_id: int
    license_number: str
    last_name: str
    date_of_birth: str


@dataclass(frozen=True)
class CodeSent:
    """The details matched a licensee whose roster entry has an e-mail address: the link
    waits for the code sent there. ``code`` is for the e-mail only; just its digest is kept."""

    code_id: int
    code: str
    address: str
    licensee: Licensee


def _recent_failures(session: Session, since: datetime, *conditions) -> list[datetime]:
    return list(
        session.scalars(
            sa.select(LinkAttempt.attempted_at)
            .where(
                LinkAttempt.outcome.in_(_FAILED_OUTCOMES),
                LinkAttempt.attempted_at >= since,
                *conditions,
            )
            .order_by(LinkAttempt.attempted_at)
        )
    )


def _check_throttle(session: Session, user_id: int, ip_address: str | None) -> None:
    since = utcnow() - FAILURE_WINDOW
    checks = [(LinkAttempt.user_id == user_id, MAX_FAILURES_PER_ACCOUNT)]
    if ip_address:
        checks.append((LinkAttempt.ip_address == ip_address, MAX_FAILURES_PER_ADDRESS))
    for condition, limit in checks:
        failures = _recent_failures(session, since, condition)
        if len(failures) >= limit:
            raise LinkThrottled(failures[-limit] + FAILURE_WINDOW)


def _attempt(session, user_id, board_id, license_number, outcome, licensee_id, ip) -> None:
    session.add(
        LinkAttempt(
            user_id=user_id,
            board_id=board_id,
            license_number=license_number[:20],
            outcome=outcome,
            licensee_id=licensee_id,
            ip_address=ip,
        )
    )
    session.flush()


def _code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def link_license(
    session: Session, *, user_id: int, request: LinkRequest, ip_address: str | None = None
) -> LicenseLink | CodeSent:
    """Verify ``request`` against the roster and link the license to the user, or, when
    the roster has the licensee's e-mail address, start a link that waits for the code
    sent there (``CodeSent``; the caller e-mails it, then ``confirm_link``).

    Raises ``EmailNotConfirmed`` for an account whose address is not confirmed,
    ``LinkThrottled`` before checking anything when too many recent attempts failed, and
    ``ValidationError`` with the one generic message for every failure, a license linked
    to another account included. Every attempt is recorded (the caller commits even on
    failure, so failures count).
    """
    user = session.get(User, user_id)
    if user is None or user.email_verified_at is None:
        raise EmailNotConfirmed()
    if session.get(Board, request.board_id) is None:
        raise ValidationError("Choose the board that issued the license.", "board_id")
    license_number = normalise_license_number(request.license_number)
    if not license_number:
        raise ValidationError("Enter the license number.", "license_number")
    board_id = request.board_id
    try:
        _check_throttle(session, user_id, ip_address)
    except LinkThrottled:
        _attempt(session, user_id, board_id, license_number, "throttled", None, ip_address)
        raise
    licensee = session.scalar(
        sa.select(Licensee).where(
            Licensee.board_id == board_id, Licensee.license_number == license_number
        )
    )
    dob = parse_dob(request.date_of_birth)
    if (
        licensee is None
        or dob != (licensee.dob_month, licensee.dob_day)
        or not name_key(request.last_name)
        or name_key(request.last_name) != name_key(licensee.last_name)
    ):
        _attempt(session, user_id, board_id, license_number, "no_match", None, ip_address)
        raise ValidationError(GENERIC_FAILURE)
    existing = session.scalar(sa.select(LicenseLink).where(LicenseLink.licensee_id == licensee.id))
    if existing is not None and existing.user_id == user_id:
        return existing
    if existing is not None:
        _attempt(
            session, user_id, board_id, license_number, "claimed_by_other", licensee.id, ip_address
        )
        raise ValidationError(GENERIC_FAILURE)
    if licensee.email:
        code = f"{secrets.randbelow(1_000_000):06d}"
        pending = LicenseLinkCode(
            user_id=user_id,
            licensee_id=licensee.id,
            code_digest=_code_digest(code),
            expires_at=utcnow() + CODE_LIFETIME,
        )
        session.add(pending)
        _attempt(session, user_id, board_id, license_number, "code_sent", licensee.id, ip_address)
        return CodeSent(pending.id, code, licensee.email, licensee)
    return _link(session, user_id, licensee, ip_address)


def _link(session: Session, user_id: int, licensee: Licensee, ip: str | None) -> LicenseLink:
    link = LicenseLink(user_id=user_id, licensee_id=licensee.id)
    session.add(link)
    _attempt(
        session, user_id, licensee.board_id, licensee.license_number, "linked", licensee.id, ip
    )
    record_event(
        session,
        actor_user_id=user_id,
        action="license.linked",
        object_type="licensee",
        object_id=licensee.id,
        ip_address=ip,
    )
    session.flush()
    return link


def pending_code(session: Session, user_id: int, code_id: int) -> LicenseLinkCode:
    """One of the user's own link codes that can still be typed."""
    pending = session.get(LicenseLinkCode, code_id)
    if pending is None or pending.used_at is not None:
        raise NotFound("No such code is waiting. Please start linking again.")
    if pending.user_id != user_id:
        raise Forbidden("This code was sent for another account.")
    return pending


def confirm_link(
    session: Session, *, user_id: int, code_id: int, code: str, ip_address: str | None = None
) -> LicenseLink:
    """Link the license once the code e-mailed to the roster's address is typed. A code
    works once, for 30 minutes and 5 tries; a wrong one counts as a failed attempt."""
    pending = pending_code(session, user_id, code_id)
    licensee = pending.licensee
    now = utcnow()
    expired = pending.expires_at <= now or pending.failed_tries >= MAX_CODE_TRIES
    typed = "".join(ch for ch in code if ch.isdigit())
    if expired or not hmac.compare_digest(_code_digest(typed), pending.code_digest):
        pending.failed_tries += 1
        _attempt(
            session,
            user_id,
            licensee.board_id,
            licensee.license_number,
            "bad_code",
            licensee.id,
            ip_address,
        )
        if expired or pending.failed_tries >= MAX_CODE_TRIES:
            pending.used_at = now
            raise ValidationError("This code has expired. Please start linking again.")
        raise ValidationError("That code is not right. Check the e-mail and try again.", "code")
    pending.used_at = now
    existing = session.scalar(sa.select(LicenseLink).where(LicenseLink.licensee_id == licensee.id))
    if existing is not None and existing.user_id == user_id:
        return existing
    if existing is not None:
        _attempt(
            session,
            user_id,
            licensee.board_id,
            licensee.license_number,
            "claimed_by_other",
            licensee.id,
            ip_address,
        )
        raise ValidationError(GENERIC_FAILURE)
    return _link(session, user_id, licensee, ip_address)


def move_link(
    session: Session,
    *,
    actor_user_id: int,
    licensee_id: int,
    to_user_id: int,
    board_id: int | None = None,
    ip_address: str | None = None,
) -> LicenseLink:
    """Give a contested license to the account that proved it (a board for its own
    licensees, ``board_id``; an administrator for any). The other account's link ends."""
    licensee = session.get(Licensee, licensee_id)
    if licensee is None:
        raise NotFound("No such licensee.")
    if board_id is not None and licensee.board_id != board_id:
        raise Forbidden("This licensee belongs to another board.")
    claimed = session.scalar(
        sa.select(LinkAttempt.id).where(
            LinkAttempt.licensee_id == licensee_id,
            LinkAttempt.user_id == to_user_id,
            LinkAttempt.outcome == "claimed_by_other",
        )
    )
    if claimed is None:
        raise ValidationError("That account has not claimed this license.")
    previous = session.scalar(sa.select(LicenseLink).where(LicenseLink.licensee_id == licensee_id))
    if previous is not None:
        if previous.user_id == to_user_id:
            return previous
        session.delete(previous)
        session.flush()
    link = LicenseLink(user_id=to_user_id, licensee_id=licensee_id)
    session.add(link)
    session.execute(
        sa.update(LinkAttempt)
        .where(LinkAttempt.licensee_id == licensee_id, LinkAttempt.outcome == "claimed_by_other")
        .values(outcome="claim_resolved")
    )
    record_event(
        session,
        actor_user_id=actor_user_id,
        action="license.moved",
        object_type="licensee",
        object_id=licensee_id,
        detail={
            "from_user_id": previous.user_id if previous is not None else None,
            "to_user_id": to_user_id,
        },
        ip_address=ip_address,
    )
    session.flush()
    return link


def unlink_license(
    session: Session, *, user_id: int, link_id: int, ip_address: str | None = None
) -> None:
    """Remove one of the user's own links (the credits stay; they are the licence's)."""
    link = session.get(LicenseLink, link_id)
    if link is None or link.user_id != user_id:
        raise NotFound("No such linked license.")
    record_event(
        session,
        actor_user_id=user_id,
        action="license.unlinked",
        object_type="licensee",
        object_id=link.licensee_id,
        ip_address=ip_address,
    )
    session.delete(link)
    session.flush()


def move_claimed_link(
    session: Session,
    *,
    actor_user_id: int,
    licensee_id: str,
    user_id: str,
    board_id: int | None = None,
    ip_address: str | None = None,
) -> str | None:
    """``move_link`` for a settle-this-claim button's fields (their digits checked by the
    form): ``None`` when it moved, else the words to show (the caller rolls back)."""
    try:
        move_link(
            session,
            actor_user_id=actor_user_id,
            licensee_id=int(licensee_id),
            to_user_id=int(user_id),
            board_id=board_id,
            ip_address=ip_address,
        )
    except DomainError as error:
        return str(error)
    return None
