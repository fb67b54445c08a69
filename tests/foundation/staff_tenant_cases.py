"""Tenant cases for managing staff (issue 25): a provider's staff administrator asking to
act on another provider's account or invitation, and a board's staff administrator on
another board's. Merged into ``tenant_cases.TENANT_CASES``; each expects 403."""

from __future__ import annotations

from passport.accounts import invitations
from passport.accounts.permissions import Role
from passport.accounts.staff import Tenant
from tests import factories


def _provider_staff_admin():
    return factories.ProviderStaffFactory(is_staff_admin=True)


def _foreign_provider_account(session, method="POST"):
    other = factories.ProviderStaffFactory(totp_secret="x", totp_enabled_at=factories.utcnow())
    return _provider_staff_admin(), {"user_id": other.id}, method


def _foreign_board_account(session, method="POST"):
    other = factories.BoardStaffFactory(board=factories.board("CA-OMBC"))
    return factories.BoardStaffFactory(is_staff_admin=True), {"user_id": other.id}, method


def _foreign_invitation(session, method="POST"):
    provider = factories.ProviderFactory()
    invitation, _ = invitations.invite(
        session,
        factories.AdminFactory(),
        Tenant(Role.PROVIDER, provider_id=provider.id),
        email="someone.else@provider.example",
        first_name="Some",
        last_name="One",
    )
    session.commit()
    return _provider_staff_admin(), {"invitation_id": invitation.id}, method


STAFF_TENANT_CASES = {
    "staff.disable": _foreign_provider_account,
    "staff.enable": _foreign_board_account,
    "staff.reset_two_factor": _foreign_provider_account,
    "staff.staff_admin": _foreign_board_account,
    "staff.resend_invitation": _foreign_invitation,
    "staff.withdraw_invitation": _foreign_invitation,
}

# Administrators' routes with an id: administrators manage every board and provider, and
# no other role reaches them (the role matrix checks that).
ADMIN_ONLY_ROUTES = {
    endpoint: "administrators manage every board and provider"
    for endpoint in (
        "organizations.board",
        "organizations.board_active",
        "organizations.provider",
        "organizations.provider_active",
    )
}
