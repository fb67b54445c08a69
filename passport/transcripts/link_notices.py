"""The e-mails license linking sends: the one-time code to the roster's address, and the
notice to the holder that a license was linked ("if this wasn't you ...").

Sent after the link's transaction commits. They say only what the recipient may know: the
code's e-mail goes to the address the board has for the licensee, and names neither the
account nor its address; the notice goes to the account that linked and to the roster's
address, and names the license and the account's e-mail."""

from __future__ import annotations

from flask import current_app

from passport.accounts.models import User
from passport.mail import send_mail
from passport.roster.models import Licensee
from passport.roster.services import CodeSent


def send_link_code(sent: CodeSent) -> None:
    send_mail(
        current_app.config,
        sent.address,
        "Your code to link your license in Passport",
        f"Someone is linking license {sent.licensee.license_number} "
        f"({sent.licensee.board.name}) to a Passport account, to see the CME credit "
        "reported for it.\n\n"
        f"If it is you, type this code on the page that asked for it: {sent.code}\n"
        "It works once, within 30 minutes.\n\n"
        "If it was not you, do not share this code with anyone, and tell the board: nobody "
        "can link the license without it.",
    )


def tell_holder_of_link(user: User, licensee: Licensee) -> None:
    body = (
        f"License {licensee.license_number} ({licensee.board.name}) was linked to the "
        f"Passport account {user.email}. The account can now see every CME credit reported "
        "for the license and download transcripts of it.\n\n"
        "If this wasn't you, contact the board at once: it can move the license to your "
        "own account and end the other's access."
    )
    recipients = {user.email}
    if licensee.email:
        recipients.add(licensee.email.lower())
    for address in sorted(recipients):
        send_mail(current_app.config, address, "A license was linked to a Passport account", body)
