"""Sign-up for an address that already has an account: the answer a new sign-up gets,
and an e-mail to the address's owner.

Saying "an account with that e-mail already exists" told anyone which addresses have
accounts. Instead the one trying gets exactly the words of a new sign-up ("we sent a
message to …"), and the owner of the address, who alone reads that mailbox, is told
that someone tried and how to get in: sign in, or reset the password.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.accounts.passwords import spend_one_verification
from passport.errors import ValidationError
from passport.notifications.events import security_message
from passport.notifications.services import Message
from passport.trail.services import record_event


class AddressInUse(ValidationError):
    """Sign-up with an address that already has an account (raised only after every
    other check of the form passed, so a weak password reads the same either way)."""

    def __init__(self, user: User) -> None:
        super().__init__(
            "An account with that email already exists. Sign in, or reset its password.",
            "email",
        )
        self.user = user


def handle_existing_address_sign_up(
    session: Session,
    user: User,
    *,
    password: str,
    sign_in_url: str,
    reset_url: str,
    ip_address: str | None = None,
) -> None:
    """Record the attempt and tell the address's owner (a security message, sent once
    the caller commits); the account is left unchanged.
    ``password`` costs one hash, as a new account's does, so the time taken tells nothing."""
    spend_one_verification(password)
    record_event(
        session,
        actor_user_id=None,
        action="user.sign_up_address_in_use",
        object_type="user",
        object_id=user.id,
        ip_address=ip_address,
    )
    security_message(
        session,
        kind="security.sign_up_address_in_use",
        address=user.email,
        user=user,
        message=Message(
            "Someone tried to sign up to Passport with your address",
            "Someone (perhaps you) tried to sign up to Passport with this e-mail address, "
            "but it already has an account, so nothing was changed.\n\n"
            f"To sign in:\n{sign_in_url}\n\n"
            f"If you have forgotten your password, choose a new one here:\n{reset_url}\n\n"
            "If it was not you, you can ignore this message: your account stays as it is.",
        ),
    )
    session.flush()
