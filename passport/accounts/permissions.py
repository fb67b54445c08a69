"""Roles and permissions, in one table that mirrors DESIGN.md §2.

Views ask for a ``Permission``; a role grants a set of them. Which tenant's objects a
permission reaches (own licences, own provider, own board) is checked where the object
is loaded, by the feature's queries.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PHYSICIAN = "physician"
    PROVIDER = "provider"
    BOARD = "board"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            Role.PHYSICIAN: "Physician",
            Role.PROVIDER: "Provider staff",
            Role.BOARD: "Board staff",
            Role.ADMIN: "Administrator",
        }[self]


class Permission(StrEnum):
    ACCOUNT_MANAGE = "account:manage"
    LICENSES_LINK = "licenses:link"
    TRANSCRIPT_OWN_READ = "transcript:read-own"
    DISCREPANCY_RAISE = "discrepancy:raise"
    ACTIVITIES_MANAGE = "activities:manage"
    COMPLETIONS_REPORT = "completions:report"
    DISCREPANCY_ANSWER = "discrepancy:answer"
    API_CLIENTS_MANAGE = "api-clients:manage"
    ROSTER_IMPORT = "roster:import"
    AUDIT_READ = "audit:read"
    ADMIN_MANAGE = "admin:manage"
    # Invite, disable, re-enable and reset the two-factor sign-in of staff: admins for
    # anyone; a board's or provider's staff administrators for their own colleagues
    # only (checked where the account is loaded: ``accounts.staff.ensure_may_manage``).
    STAFF_MANAGE = "staff:manage"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PHYSICIAN: frozenset(
        {
            Permission.ACCOUNT_MANAGE,
            Permission.LICENSES_LINK,
            Permission.TRANSCRIPT_OWN_READ,
            Permission.DISCREPANCY_RAISE,
        }
    ),
    Role.PROVIDER: frozenset(
        {
            Permission.ACCOUNT_MANAGE,
            Permission.ACTIVITIES_MANAGE,
            Permission.COMPLETIONS_REPORT,
            Permission.DISCREPANCY_ANSWER,
            Permission.API_CLIENTS_MANAGE,
        }
    ),
    Role.BOARD: frozenset(
        {Permission.ACCOUNT_MANAGE, Permission.ROSTER_IMPORT, Permission.AUDIT_READ}
    ),
    Role.ADMIN: frozenset(
        {Permission.ACCOUNT_MANAGE, Permission.ADMIN_MANAGE, Permission.STAFF_MANAGE}
    ),
}

# What the staff-administrator flag adds to a board's or provider's staff member.
STAFF_ADMIN_ROLES = frozenset({Role.PROVIDER, Role.BOARD})
STAFF_ADMIN_PERMISSIONS = frozenset({Permission.STAFF_MANAGE})


def role_has(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]


def user_has(role: Role | str, permission: Permission, *, staff_admin: bool = False) -> bool:
    """The role's permissions, and for a staff administrator of a board or provider the
    permission to manage colleagues."""
    if role_has(role, permission):
        return True
    return staff_admin and Role(role) in STAFF_ADMIN_ROLES and permission in STAFF_ADMIN_PERMISSIONS
