"""Every e-mail that administration sends, in one module so its route can change in one
place (a notification queue may take over from ``send_mail``).

Links are built from ``PASSPORT_BASE_URL`` (``urls.external_url``), never from the
request's host. Called by views after the change is committed: a message never
announces something that was rolled back.
"""

from __future__ import annotations

from flask import current_app

from passport.accounts.invitations import INVITATION_LIFETIME
from passport.accounts.models import Invitation, User
from passport.accounts.permissions import Role
from passport.accounts.two_factor import is_required_for
from passport.mail import send_mail
from passport.urls import external_url


def _serves(invitation: Invitation) -> str:
    if invitation.board is not None:
        return f"as staff of {invitation.board.name}"
    if invitation.provider is not None:
        return f"as staff of {invitation.provider.name}"
    return "as an administrator"


def send_invitation(invitation: Invitation, token: str) -> None:
    link = external_url("invitations.accept", token=token)
    days = INVITATION_LIFETIME.days
    two_factor = (
        "\nYou will then set up two-factor sign-in with an authenticator app on your "
        "phone before anything else.\n"
        if invitation.role in (Role.BOARD.value, Role.ADMIN.value)
        else ""
    )
    inviter = invitation.invited_by.full_name if invitation.invited_by else "An administrator"
    send_mail(
        current_app.config,
        invitation.email,
        "You are invited to Passport",
        f"Hello {invitation.first_name},\n\n"
        f"{inviter} invited you to join Passport {_serves(invitation)}.\n\n"
        f"To accept, open this link within {days} days and choose a password:\n{link}\n"
        f"{two_factor}\n"
        "The link works once. If you did not expect this message, ignore it.",
    )


def send_two_factor_reset_notice(account: User, actor: User) -> None:
    then = (
        "At your next sign-in you will set up two-factor sign-in again, with the "
        "authenticator app on your new phone."
        if is_required_for(account)
        else "You can turn it on again from your account page."
    )
    send_mail(
        current_app.config,
        account.email,
        "Your Passport two-factor sign-in was reset",
        f"Hello {account.first_name},\n\n"
        f"{actor.full_name} reset the two-factor sign-in of your Passport account: your "
        "authenticator app and recovery codes no longer work, and you were signed out "
        f"everywhere.\n\n{then}\n\nSign in: {external_url('accounts.sign_in')}\n\n"
        "If you did not ask for this, contact your administrator at once.",
    )
