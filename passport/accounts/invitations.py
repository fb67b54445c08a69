"""Invitations: how staff accounts come into being from the web.

An administrator (anyone's) or a staff administrator (their own board's or provider's
only: ``staff.ensure_may_manage_tenant``) invites a person by e-mail. The link carries a
random token of which only the SHA-256 is kept; it works for ``INVITATION_LIFETIME``,
once, and not after it is withdrawn or its board or provider is deactivated. Sending it
again issues a new token and a new lifetime, so the earlier e-mail's link stops working.
Accepting it makes the account with the password the invitee chooses; board staff and
admins then enrol two-factor sign-in before anything else (the enrolment guard).

Plain functions taking a session, the actor and values; they flush and write the audit
trail, the caller commits once and then sends the e-mail (``invitation_mail``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts.models import Invitation, User
from passport.accounts.permissions import STAFF_ADMIN_ROLES, Role
from passport.accounts.queries import user_by_email
from passport.accounts.services import create_invited_account, normalise_email
from passport.accounts.sign_up_notices import AddressInUse
from passport.accounts.staff import Tenant, ensure_may_manage_tenant
from passport.db import utcnow
from passport.errors import Conflict, NotFound, ValidationError
from passport.reporting.models import Provider
from passport.roster.models import Board
from passport.trail.services import record_event

INVITATION_LIFETIME = timedelta(days=7)

INVITATION_STATUS_LABELS = {
    "pending": "Waiting",
    "expired": "Expired",
    "accepted": "Accepted",
    "withdrawn": "Withdrawn",
}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(invitation: Invitation, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_digest = _digest(token)
    invitation.sent_at = now
    invitation.expires_at = now + INVITATION_LIFETIME
    return token


def _record(session: Session, actor_id: int | None, action: str, invitation: Invitation, ip):
    record_event(
        session,
        actor_user_id=actor_id,
        action=action,
        object_type="invitation",
        object_id=invitation.id,
        detail={
            "email": invitation.email,
            "role": invitation.role,
            "board_id": invitation.board_id,
            "provider_id": invitation.provider_id,
        },
        ip_address=ip,
    )


def _ensure_tenant_open(session: Session, tenant: Tenant) -> None:
    if tenant.role is Role.BOARD:
        board = session.get(Board, tenant.board_id)
        if board is None or not board.active:
            raise ValidationError("That board is deactivated: it takes no new staff.")
    if tenant.role is Role.PROVIDER:
        provider = session.get(Provider, tenant.provider_id)
        if provider is None or not provider.active:
            raise ValidationError("That provider is deactivated: it takes no new staff.")


def invite(
    session: Session,
    actor: User,
    tenant: Tenant,
    *,
    email: str,
    first_name: str,
    last_name: str,
    staff_admin: bool = False,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite a person to join ``tenant``'s staff; return the invitation and the token
    for the e-mail's link (never stored)."""
    if tenant.role is Role.PHYSICIAN:
        raise ValidationError("Physicians sign up themselves.")
    if not tenant.is_coherent:
        raise ValidationError("Invite board staff to a board, provider staff to a provider.")
    ensure_may_manage_tenant(actor, tenant)
    _ensure_tenant_open(session, tenant)
    if staff_admin and tenant.role not in STAFF_ADMIN_ROLES:
        raise ValidationError("Only board and provider staff can be staff administrators.")
    email = normalise_email(email)
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name or not last_name:
        raise ValidationError("Please give a first and a last name.", "first_name")
    if user_by_email(session, email) is not None:
        raise Conflict("An account already uses that address.")
    now = now or utcnow()
    waiting = session.scalar(
        sa.select(Invitation.id).where(
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.withdrawn_at.is_(None),
            Invitation.expires_at > now,
        )
    )
    if waiting is not None:
        raise Conflict("That address already has an invitation waiting.")
    invitation = Invitation(
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=tenant.role.value,
        board_id=tenant.board_id,
        provider_id=tenant.provider_id,
        staff_admin=staff_admin,
        invited_by_user_id=actor.id,
        created_at=now,
    )
    token = _new_token(invitation, now)
    session.add(invitation)
    session.flush()
    _record(session, actor.id, "invitation.sent", invitation, ip_address)
    return invitation, token


def invitation_to_manage(session: Session, actor: User, invitation_id: int) -> Invitation:
    """The invitation ``invitation_id`` names, if ``actor`` may manage its tenant."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound("There is no such invitation.")
    ensure_may_manage_tenant(actor, Tenant.of(invitation))
    return invitation


def resend(
    session: Session,
    actor: User,
    invitation: Invitation,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> str:
    """A new link with a new lifetime; the earlier link stops working. Returns the token."""
    ensure_may_manage_tenant(actor, Tenant.of(invitation))
    now = now or utcnow()
    if invitation.status(now) in ("accepted", "withdrawn"):
        raise ValidationError("That invitation was accepted or withdrawn: it cannot be sent.")
    _ensure_tenant_open(session, Tenant.of(invitation))
    token = _new_token(invitation, now)
    _record(session, actor.id, "invitation.resent", invitation, ip_address)
    session.flush()
    return token


def withdraw(
    session: Session, actor: User, invitation: Invitation, ip_address: str | None = None
) -> None:
    ensure_may_manage_tenant(actor, Tenant.of(invitation))
    if invitation.accepted_at is not None:
        raise ValidationError("That invitation was already accepted: disable the account.")
    if invitation.withdrawn_at is not None:
        return
    invitation.withdrawn_at = utcnow()
    _record(session, actor.id, "invitation.withdrawn", invitation, ip_address)
    session.flush()


def invitation_for_token(session: Session, token: str, now: datetime | None = None) -> Invitation:
    """The invitation a link names while it can still be accepted; otherwise a
    ``ValidationError`` saying why, in words the invitee can act on."""
    invitation = session.scalar(
        sa.select(Invitation).where(Invitation.token_digest == _digest(token or ""))
    )
    if invitation is None:
        raise ValidationError(
            "This invitation link is not valid. If it was sent again, use the newest e-mail."
        )
    status = invitation.status(now or utcnow())
    if status == "accepted":
        raise ValidationError("This invitation was already used. Sign in with your account.")
    if status == "withdrawn":
        raise ValidationError("This invitation was withdrawn.")
    if status == "expired":
        raise ValidationError(
            "This invitation has expired. Ask whoever invited you to send it again."
        )
    try:
        _ensure_tenant_open(session, Tenant.of(invitation))
    except ValidationError as error:
        raise ValidationError("This invitation is no longer open.") from error
    return invitation


def accept(
    session: Session,
    token: str,
    password: str,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> User:
    """Make the invited account with the chosen password; the link is then used up."""
    invitation = invitation_for_token(session, token, now)
    try:
        user = create_invited_account(
            session,
            email=invitation.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
            password=password,
            role=Role(invitation.role),
            provider_id=invitation.provider_id,
            board_id=invitation.board_id,
            staff_admin=invitation.staff_admin,
        )
    except AddressInUse as error:
        raise ValidationError("An account already uses this address. Please sign in.") from error
    invitation.accepted_at = now or utcnow()
    invitation.accepted_user_id = user.id
    _record(session, user.id, "invitation.accepted", invitation, ip_address)
    record_event(
        session,
        actor_user_id=invitation.invited_by_user_id,
        action="user.created",
        object_type="user",
        object_id=user.id,
        detail={
            "role": user.role,
            "provider_id": user.provider_id,
            "board_id": user.board_id,
            "invitation_id": invitation.id,
        },
        ip_address=ip_address,
    )
    session.flush()
    return user


def invitations_of(session: Session, tenant: Tenant) -> list[Invitation]:
    """The tenant's invitations not yet accepted, newest first."""
    return list(
        session.scalars(
            sa.select(Invitation)
            .where(*tenant.rows_of(Invitation), Invitation.accepted_at.is_(None))
            .order_by(Invitation.sent_at.desc())
        )
    )
