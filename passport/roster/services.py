"""Licence linking: a physician proves a licence (board, number, last name, DOB MM/DD)
against the roster, and the link lets them see the credits reported for it.

The answer to a wrong guess is one generic message whatever was wrong, so the form cannot
be used to learn the roster. Failed attempts are counted per account and per licence, and
a licence already linked to another account is refused and left for admins to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.db import utcnow
from passport.errors import Conflict, DomainError, NotFound, ValidationError
from passport.reporting.validation import parse_dob
from passport.roster.identifiers import name_key, normalise_license_number
from passport.roster.models import Board, Licensee, LicenseLink, LinkAttempt
from passport.trail.services import record_event

GENERIC_FAILURE = (
    "We could not verify this licence. Check the board, the licence number, your last name "
    "and your date of birth exactly as the board has them, then try again."
)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_LICENSE = 5
FAILURE_WINDOW = timedelta(hours=1)


class LinkThrottled(DomainError):
    """Too many failed attempts: wait until ``retry_at``."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(
            "Too many unsuccessful attempts. For your security, linking is paused for up "
            "to an hour; please try again later or contact the board."
        )
        self.retry_at = retry_at


@dataclass(frozen=True)
class LinkRequest:
    board_id: int
    license_number: str
    last_name: str
    date_of_birth: str


def _recent_failures(session: Session, since: datetime, *conditions) -> list[datetime]:
    return list(
        session.scalars(
            sa.select(LinkAttempt.attempted_at)
            .where(
                LinkAttempt.outcome == "no_match", LinkAttempt.attempted_at >= since, *conditions
            )
            .order_by(LinkAttempt.attempted_at)
        )
    )


def _check_throttle(session: Session, user_id: int, board_id: int, license_number: str) -> None:
    now = utcnow()
    since = now - FAILURE_WINDOW
    for failures, limit in (
        (
            _recent_failures(session, since, LinkAttempt.user_id == user_id),
            MAX_FAILURES_PER_ACCOUNT,
        ),
        (
            _recent_failures(
                session,
                since,
                LinkAttempt.board_id == board_id,
                LinkAttempt.license_number == license_number,
            ),
            MAX_FAILURES_PER_LICENSE,
        ),
    ):
        if len(failures) >= limit:
            raise LinkThrottled(failures[-limit] + FAILURE_WINDOW)


def _attempt(session, user_id, request, license_number, outcome, licensee_id, ip_address) -> None:
    session.add(
        LinkAttempt(
            user_id=user_id,
            board_id=request.board_id,
            license_number=license_number[:20],
            outcome=outcome,
            licensee_id=licensee_id,
            ip_address=ip_address,
        )
    )
    session.flush()


def link_license(
    session: Session, *, user_id: int, request: LinkRequest, ip_address: str | None = None
) -> LicenseLink:
    """Verify ``request`` against the roster and link the licence to the user.

    Raises ``LinkThrottled`` before checking anything when too many recent attempts failed,
    ``ValidationError`` with the one generic message when the details do not match, and
    ``Conflict`` when another account already holds the licence. Every attempt is recorded
    (the caller must commit even on failure, so failures count).
    """
    if session.get(Board, request.board_id) is None:
        raise ValidationError("Choose the board that issued the licence.", "board_id")
    license_number = normalise_license_number(request.license_number)
    if not license_number:
        raise ValidationError("Enter the licence number.", "license_number")
    try:
        _check_throttle(session, user_id, request.board_id, license_number)
    except LinkThrottled:
        _attempt(session, user_id, request, license_number, "throttled", None, ip_address)
        raise
    licensee = session.scalar(
        sa.select(Licensee).where(
            Licensee.board_id == request.board_id, Licensee.license_number == license_number
        )
    )
    dob = parse_dob(request.date_of_birth)
    if (
        licensee is None
        or dob != (licensee.dob_month, licensee.dob_day)
        or not name_key(request.last_name)
        or name_key(request.last_name) != name_key(licensee.last_name)
    ):
        _attempt(session, user_id, request, license_number, "no_match", None, ip_address)
        raise ValidationError(GENERIC_FAILURE)
    existing = session.scalar(sa.select(LicenseLink).where(LicenseLink.licensee_id == licensee.id))
    if existing is not None and existing.user_id == user_id:
        return existing
    if existing is not None:
        _attempt(
            session, user_id, request, license_number, "claimed_by_other", licensee.id, ip_address
        )
        raise Conflict(
            "This licence is already linked to another Passport account. We have told our "
            "administrators, who will contact you; if it is yours, please also contact the board."
        )
    link = LicenseLink(user_id=user_id, licensee_id=licensee.id)
    session.add(link)
    _attempt(session, user_id, request, license_number, "linked", licensee.id, ip_address)
    record_event(
        session,
        actor_user_id=user_id,
        action="license.linked",
        object_type="licensee",
        object_id=licensee.id,
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
        raise NotFound("No such linked licence.")
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
