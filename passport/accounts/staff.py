"""Managing staff accounts: who may manage whom, disabling and re-enabling an account,
resetting its two-factor sign-in, and naming staff administrators.

An administrator manages every account but their own. A board's or provider's staff
administrator (``User.is_staff_admin``) manages the staff of that same board or provider
and nobody else: every function here checks the actor against the account's tenant
(``ensure_may_manage``) and raises ``Forbidden`` (403) otherwise, whatever the URL said.

Plain functions taking a session, the actor and values; they flush and write the audit
trail, the caller commits once (and sends any e-mail after: ``invitation_mail``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts import two_factor, user_sessions
from passport.accounts.models import Invitation, User
from passport.accounts.permissions import STAFF_ADMIN_ROLES, Role
from passport.errors import Forbidden, NotFound, ValidationError
from passport.trail.services import record_event


@dataclass(frozen=True)
class Tenant:
    """Whose staff an account or invitation is: a board's, a provider's, or the
    administrators' (both ids ``None``)."""

    role: Role
    board_id: int | None = None
    provider_id: int | None = None

    @classmethod
    def of(cls, holder: User | Invitation) -> Tenant:
        return cls(Role(holder.role), holder.board_id, holder.provider_id)

    @property
    def is_coherent(self) -> bool:
        """Board staff name a board and only that, provider staff a provider, admins
        neither (the database's check constraints say the same)."""
        return (self.role is Role.BOARD) == (self.board_id is not None) and (
            self.role is Role.PROVIDER
        ) == (self.provider_id is not None)

    def rows_of(self, model: type[User] | type[Invitation]) -> list[sa.ColumnElement[bool]]:
        """WHERE clauses that select this tenant's accounts or invitations."""
        return [
            model.role == self.role.value,
            _same(model.board_id, self.board_id),
            _same(model.provider_id, self.provider_id),
        ]


def _same(column: sa.ColumnElement, value: int | None) -> sa.ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def ensure_may_manage_tenant(actor: User, tenant: Tenant) -> None:
    """Refuse unless ``actor`` is an administrator, or a staff administrator of exactly
    this board or provider."""
    if actor.role == Role.ADMIN.value:
        return
    if not actor.is_staff_admin or Tenant.of(actor) != tenant:
        raise Forbidden("You may manage only your own colleagues.")


def ensure_may_manage(actor: User, account: User) -> None:
    """Refuse another tenant's account (``Forbidden``) and the actor's own
    (``ValidationError``: nobody disables or resets themselves from here)."""
    ensure_may_manage_tenant(actor, Tenant.of(account))
    if account.id == actor.id:
        raise ValidationError("You cannot do this to your own account.")


def _record(session: Session, actor: User, action: str, account: User, ip: str | None) -> None:
    record_event(
        session,
        actor_user_id=actor.id,
        action=action,
        object_type="user",
        object_id=account.id,
        detail={"email": account.email},
        ip_address=ip,
    )


def _end_sessions(session: Session, account: User) -> None:
    """Every session of the account ends now, and any cookie of an older version with it."""
    account.session_version += 1
    user_sessions.end_all(session, account)


def disable_account(
    session: Session, actor: User, account: User, ip_address: str | None = None
) -> None:
    """Someone left: the account can no longer sign in and every session of it ends at
    once. Nothing it did is removed; re-enabling it brings it back as it was."""
    ensure_may_manage(actor, account)
    if not account.is_active_account:
        return
    account.is_active_account = False
    _end_sessions(session, account)
    _record(session, actor, "user.disabled", account, ip_address)
    session.flush()


def enable_account(
    session: Session, actor: User, account: User, ip_address: str | None = None
) -> None:
    ensure_may_manage(actor, account)
    if account.is_active_account:
        return
    account.is_active_account = True
    _record(session, actor, "user.enabled", account, ip_address)
    session.flush()


def reset_two_factor(
    session: Session, actor: User, account: User, ip_address: str | None = None
) -> None:
    """For a colleague who lost their phone and recovery codes: forget their
    authenticator, end their sessions; board staff and admins enrol again at the next
    sign-in (the enrolment guard lets them reach nothing else first). The caller tells
    them by e-mail (``invitation_mail.send_two_factor_reset_notice``)."""
    ensure_may_manage(actor, account)
    if not account.has_two_factor:
        raise ValidationError(f"{account.full_name} has no two-factor sign-in to reset.")
    two_factor.forget(session, account)
    _end_sessions(session, account)
    _record(session, actor, "user.two_factor_reset", account, ip_address)
    session.flush()


def set_staff_admin(
    session: Session, actor: User, account: User, staff_admin: bool, ip_address: str | None = None
) -> None:
    """Name (or stop naming) a board's or provider's staff member a staff administrator."""
    ensure_may_manage(actor, account)
    if Role(account.role) not in STAFF_ADMIN_ROLES:
        raise ValidationError("Only board and provider staff can be staff administrators.")
    if account.is_staff_admin == staff_admin:
        return
    account.is_staff_admin = staff_admin
    action = "user.staff_admin_granted" if staff_admin else "user.staff_admin_revoked"
    _record(session, actor, action, account, ip_address)
    session.flush()


def account_to_manage(session: Session, actor: User, user_id: int) -> User:
    """The account ``user_id`` names, if ``actor`` may manage it (else ``Forbidden``);
    404 when there is none, so ids of other tenants read as theirs, not as missing."""
    account = session.get(User, user_id)
    if account is None:
        raise NotFound("There is no such account.")
    ensure_may_manage_tenant(actor, Tenant.of(account))
    return account


def staff_of(session: Session, tenant: Tenant) -> list[User]:
    """The tenant's staff, enabled first, by name."""
    return list(
        session.scalars(
            sa.select(User)
            .where(*tenant.rows_of(User))
            .order_by(User.is_active_account.desc(), User.last_name, User.first_name)
        )
    )


def set_organization_active(
    session: Session,
    organization,  # noqa: ANN001 - a Board or a Provider: anything with ``active`` and ``id``
    active: bool,
    *,
    object_type: str,
    action: str,
    staff: sa.ColumnElement[bool],
    actor_user_id: int,
    ip_address: str | None = None,
) -> None:
    """Deactivate (the sessions of its staff, ``staff`` selecting them, end now) or
    reactivate a board or a provider, with its entry (``action``) in the audit trail."""
    if organization.active == active:
        return
    organization.active = active
    if not active:
        user_sessions.end_all_of(session, sa.select(User.id).where(staff))
    record_event(
        session,
        actor_user_id=actor_user_id,
        action=action,
        object_type=object_type,
        object_id=organization.id,
        ip_address=ip_address,
    )
    session.flush()
