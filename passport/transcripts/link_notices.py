"""The e-mails license linking sends: the one-time code to the roster's address, and the
notice to the holder that a license was linked ("if this wasn't you ...").

Both are security messages on the notification path (recorded, then sent when the
caller commits; always sent, whatever the recipient's preferences). They say only what
the recipient may know: the code's e-mail goes to the address the board has for the
licensee, and names neither the account nor its address; the notice goes to the account
that linked and to the roster's address, and names the license and the account's e-mail."""

from __future__ import annotations

from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.notifications import events
from passport.notifications.services import Message
from passport.roster.models import LicenseLink
from passport.roster.services import CodeSent


def send_link_code(session: Session, sent: CodeSent) -> None:
    events.security_message(
        session,
        kind="security.link_code",
        address=sent.address,
        secret=True,
        message=Message(
            "Your code to link your license in Passport",
            f"Someone is linking license {sent.licensee.license_number} "
            f"({sent.licensee.board.name}) to a Passport account, to see the CME credit "
            "reported for it.\n\n"
            f"If it is you, type this code on the page that asked for it: {sent.code}\n"
            "It works once, within 30 minutes.\n\n"
            "If it was not you, do not share this code with anyone, and tell the board: "
            "nobody can link the license without it.",
        ),
    )


def tell_holder_of_link(session: Session, user: User, link: LicenseLink) -> None:
    events.license_linked(session, user, link.licensee, link.id)
