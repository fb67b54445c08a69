"""Recording notifications and choosing what to receive.

``notify`` writes one row per event and recipient under a unique ``event_key`` and
flushes; nothing is sent until the caller's transaction commits (``delivery`` then queues
it), so a rolled-back action mails nobody, and the same event recorded twice (a retried
job, a reminder run again) is found by its key and not recorded again.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.db import utcnow
from passport.notifications.models import SECURITY, TOPICS, EmailOptOut, Notification

PENDING_KEY = "passport.notifications.pending"  # session.info: recorded, not yet committed


@dataclass(frozen=True)
class Message:
    """What a notification says: a subject and a plain-text body of paragraphs (links on
    lines of their own); the HTML part is made from it, so the two never differ."""

    subject: str
    body: str
    link_path: str | None = None


def notify(
    session: Session,
    *,
    event_key: str,
    kind: str,
    topic: str,
    message: Message,
    user: User | None = None,
    address: str | None = None,
    secret: bool = False,
) -> Notification | None:
    """Record a notification for ``user`` (or an address without an account). Returns
    ``None`` when this event was already recorded for this recipient."""
    if topic != SECURITY and topic not in TOPICS:
        raise ValueError(f"unknown notification topic {topic!r}")
    recipient = (address or (user.email if user else "")).strip().lower()
    if not recipient:
        raise ValueError("a notification needs a recipient")
    if session.scalar(sa.select(Notification.id).where(Notification.event_key == event_key)):
        return None
    notification = Notification(
        event_key=event_key[:200],
        kind=kind,
        topic=topic,
        user_id=user.id if user else None,
        address=recipient,
        subject=message.subject[:200],
        body=message.body,
        link_path=message.link_path,
        secret=secret,
        status="pending",
        attempts=0,
        last_error="",
    )
    try:
        with session.begin_nested():  # a concurrent twin: the unique key stops one
            session.add(notification)
    except IntegrityError:
        return None
    session.info.setdefault(PENDING_KEY, []).append(notification.id)
    return notification


def opted_out_topics(session: Session, address: str) -> set[str]:
    return set(
        session.scalars(
            sa.select(EmailOptOut.topic).where(EmailOptOut.address == address.strip().lower())
        )
    )


def set_preferences(session: Session, *, address: str, wanted: set[str]) -> None:
    """E-mail ``address`` the topics in ``wanted`` and none of the others (security
    messages are not a choice and always go)."""
    address = address.strip().lower()
    current = opted_out_topics(session, address)
    unwanted = set(TOPICS) - wanted
    for topic in unwanted - current:
        session.add(EmailOptOut(address=address, topic=topic))
    if current - unwanted:
        session.execute(
            sa.delete(EmailOptOut).where(
                EmailOptOut.address == address, EmailOptOut.topic.in_(current - unwanted)
            )
        )
    session.flush()


def unsubscribe(session: Session, *, address: str, topic: str) -> bool:
    """One click from an e-mail: no more of ``topic`` (``all``: of every optional topic).
    Returns whether anything changed (a second click changes nothing)."""
    topics = set(TOPICS) if topic in ("all", SECURITY) else {topic} & set(TOPICS)
    before = opted_out_topics(session, address)
    set_preferences(session, address=address, wanted=set(TOPICS) - before - topics)
    return bool(topics - before)


def mark_read(session: Session, *, user_id: int, notification_id: int | None = None) -> None:
    """Mark one of the user's notifications read, or all of them."""
    query = sa.update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False))
    session.flush()
