"""Who is told what, for each event: the one place that turns a domain event into
notifications (each feature's service calls the function for its event).

Messages say only what their recipient may already see in Passport: a provider's staff
read which of their own records was flagged, never the physician's note or identity
beyond what they reported; a physician reads which provider answered, and follows the
link for the words. Keys name the event and the recipient, so recording twice sends once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.notifications.models import SECURITY
from passport.notifications.services import Message, notify
from passport.urls import site_url

PROVIDER_STEPS = {
    "reply": "replied to",
    "corrected": "corrected the record of",
    "declined": "declined",
}
PHYSICIAN_STEPS = {
    "raised": "flagged",
    "reply": "replied about",
    "reopened": "reopened",
    "withdrawn": "withdrew",
}


def _provider_staff(session: Session, provider_id: int) -> list[User]:
    return list(
        session.scalars(
            sa.select(User)
            .where(
                User.role == "provider",
                User.provider_id == provider_id,
                User.is_active_account.is_(True),
            )
            .order_by(User.id)
        )
    )


def _link(endpoint: str, **values) -> tuple[str, str]:  # noqa: ANN003 - url values
    """The absolute URL for the e-mail and the path for the in-app list."""
    url = site_url(endpoint, **values)
    return url, urlsplit(url).path


def discrepancy_step(session: Session, discrepancy, message) -> None:  # noqa: ANN001
    """A step of a discrepancy's thread: the physician's go to the provider's staff, the
    provider's to the physician who raised it."""
    activity = discrepancy.activity
    record = f"{activity.title} (Activity ID {activity.activity_code})"
    if message.author_user_id == discrepancy.raised_by_user_id:
        verb = PHYSICIAN_STEPS.get(message.event)
        if verb is None:
            return
        url, path = _link("inbox.detail", discrepancy_id=discrepancy.id)
        what = f": {discrepancy.kind_label}" if message.event == "raised" else ""
        text = Message(
            subject=f"A physician {verb} a record of {activity.title}"[:200],
            body=(
                f"A physician {verb} a record your provider reported: {record}{what}.\n\n"
                f"Read it and answer, correct or decline it in your inbox:\n{url}"
            ),
            link_path=path,
        )
        for staff in _provider_staff(session, activity.provider_id):
            notify(
                session,
                event_key=f"discrepancy:{discrepancy.id}:{message.id}:user:{staff.id}",
                kind=f"discrepancy.{message.event}",
                topic="discrepancies",
                message=text,
                user=staff,
            )
        return
    verb = PROVIDER_STEPS.get(message.event)
    physician = session.get(User, discrepancy.raised_by_user_id)
    if verb is None or physician is None:
        return
    url, path = _link("transcripts.discrepancy", discrepancy_id=discrepancy.id)
    notify(
        session,
        event_key=f"discrepancy:{discrepancy.id}:{message.id}:user:{physician.id}",
        kind=f"discrepancy.{message.event}",
        topic="discrepancies",
        message=Message(
            subject=f"{activity.provider.name} {verb} your flag on {activity.title}"[:200],
            body=(
                f"{activity.provider.name} {verb} the discrepancy you raised on {record}.\n\n"
                f"Read their answer:\n{url}"
            ),
            link_path=path,
        ),
        user=physician,
    )


def upload_finished(session: Session, upload, unmatched: int) -> None:  # noqa: ANN001
    """An upload done or failed, to whoever sent it (API submissions have no person)."""
    if upload.user_id is None:
        return
    user = session.get(User, upload.user_id)
    name = upload.original_filename or f"upload {upload.id}"
    url, path = _link("reporting.upload_detail", upload_id=upload.id)
    if upload.status == "done":
        subject = f"Your upload {name} has finished"
        counts = (
            f"Created {upload.created_count}, updated {upload.updated_count}, unchanged "
            f"{upload.unchanged_count}, deleted {upload.deleted_count}, rejected "
            f"{upload.rejected_count}. Not matched to a license: {unmatched}."
        )
        body = f"{name} has been processed.\n\n{counts}\n\nEvery row's outcome:\n{url}"
    else:
        subject = f"Your upload {name} failed"
        body = f"{name} could not be processed: {upload.error_message}\n\nDetails:\n{url}"
    notify(
        session,
        event_key=f"upload:{upload.id}:{upload.status}:user:{user.id}",
        kind=f"upload.{upload.status}",
        topic="uploads",
        message=Message(subject[:200], body, path),
        user=user,
    )


def license_linked(session: Session, user: User, licensee, link_id: int) -> None:  # noqa: ANN001
    """To the account that linked and to the roster's address: "if this wasn't you"."""
    body = (
        f"License {licensee.license_number} ({licensee.board.name}) was linked to the "
        f"Passport account {user.email}. The account can now see every CME credit reported "
        "for the license and download transcripts of it.\n\n"
        "If this wasn't you, contact the board at once: it can move the license to your "
        "own account and end the other's access."
    )
    recipients = {user.email.lower(): user}
    if licensee.email:
        recipients.setdefault(licensee.email.lower(), None)
    for address, account in sorted(recipients.items()):
        notify(
            session,
            event_key=f"link:{link_id}:linked:{address}",
            kind="license.linked",
            topic=SECURITY,
            message=Message("A license was linked to a Passport account", body),
            user=account,
            address=address,
        )


def security_message(
    session: Session,
    *,
    kind: str,
    address: str,
    message: Message,
    user: User | None = None,
    secret: bool = False,
) -> None:
    """A one-off security message (a reset link, a sign-up attempt, a code): each is its
    own event, so its key is random; it is sent whatever the recipient's preferences."""
    notify(
        session,
        event_key=f"security:{kind}:{secrets.token_hex(12)}",
        kind=kind,
        topic=SECURITY,
        message=message,
        user=user,
        address=address,
        secret=secret,
    )


def notify_physician_of_request(
    session: Session,
    *,
    physicians: Iterable[User],
    request_key: str,
    subject: str,
    body: str,
    link_endpoint: str | None = None,
    **link_values,  # noqa: ANN003 - url values of link_endpoint
) -> None:
    """For the audit feature: a documentation request (or the board's answer) to the
    physicians holding the audited license. ``request_key`` names the event, e.g.
    ``"audit-case:12:request:3"``; recording the same key again sends nothing more.
    ``body`` must say only what the physician may see; the link is appended."""
    path = None
    if link_endpoint:
        url, path = _link(link_endpoint, **link_values)
        body = f"{body}\n\n{url}"
    for physician in physicians:
        notify(
            session,
            event_key=f"{request_key}:user:{physician.id}",
            kind="audit.request",
            topic="audit",
            message=Message(subject[:200], body, path),
            user=physician,
        )
