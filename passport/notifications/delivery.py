"""Delivering recorded notifications: queued when their transaction commits, sent by a
background job, retried with growing pauses, and never sent twice.

A job claims a notification by moving it from ``pending``/``failed`` to ``sending`` in one
UPDATE, so two workers (or a job and the sweep) never both send it; a crash mid-send leaves
it ``sending``, visible in the delivery log, rather than mailing it again. The sweep
(``deliver_due``, every minute) sends what a lost queue entry or a failure left behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from passport.db import utcnow
from passport.mail import send_message
from passport.notifications.models import SECURITY, Notification
from passport.notifications.services import PENDING_KEY, opted_out_topics
from passport.urls import base_url, site_url

log = logging.getLogger("passport.notifications")

COMMITTED_KEY = "passport.notifications.committed"
MAX_ATTEMPTS = 5
RETRY_PAUSES = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
ONE_TIME_LINK_REMOVED = "This message held a one-time link. It was sent by e-mail and is not kept."
_UNSUBSCRIBE_SALT = "passport.unsubscribe"


# Queueing on commit ----------------------------------------------------------------------


@event.listens_for(Session, "after_commit")
def _note_committed(session: Session) -> None:
    """No SQL may run here; the ids wait in ``session.info`` for ``dispatch_committed``."""
    pending = session.info.pop(PENDING_KEY, None)
    if pending:
        session.info.setdefault(COMMITTED_KEY, []).extend(pending)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:  # a savepoint's rollback (a duplicate key) keeps the others
        session.info.pop(PENDING_KEY, None)


def dispatch_committed(session: Session, enqueue: Callable[[int], Any]) -> int:
    """Queue a delivery job for each notification committed since the last call (at the
    end of every request and app context, and by jobs and commands after they commit)."""
    committed = session.info.pop(COMMITTED_KEY, None) or []
    for notification_id in committed:
        enqueue(notification_id)
    return len(committed)


# Sending ---------------------------------------------------------------------------------


def unsubscribe_token(secret_key: str, address: str, topic: str) -> str:
    return URLSafeSerializer(secret_key, salt=_UNSUBSCRIBE_SALT).dumps({"a": address, "t": topic})


def read_unsubscribe_token(secret_key: str, token: str) -> tuple[str, str] | None:
    try:
        value = URLSafeSerializer(secret_key, salt=_UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(value, dict) or not {"a", "t"} <= value.keys():
        return None
    return str(value["a"]), str(value["t"])


def _html(body: str) -> str:
    """The HTML part: each paragraph of the text part, links to this site made links."""
    site = base_url()
    paragraphs = []
    for paragraph in body.split("\n\n"):
        lines = []
        for line in paragraph.split("\n"):
            if line.startswith(site + "/") and " " not in line:
                lines.append(Markup('<a href="{0}">{0}</a>').format(line))
            else:
                lines.append(escape(line))
        paragraphs.append(Markup("<br>\n").join(lines))
    template = current_app.jinja_env.get_template("mail/message.html")
    return template.render(paragraphs=paragraphs)


def compose(notification: Notification, config: Any) -> EmailMessage:
    """Text and HTML parts, and RFC 8058 one-click unsubscribe headers. A security message's
    link turns off every optional topic (the message itself always comes)."""
    topic = "all" if notification.topic == SECURITY else notification.topic
    token = unsubscribe_token(config["SECRET_KEY"], notification.address, topic)
    unsubscribe = site_url("notifications.unsubscribe", token=token)
    footer = (
        "You receive this because you have a Passport account"
        + ("" if notification.user_id else " or a license in a board's roster")
        + ". "
        + (
            "Security messages are always sent. To stop every other Passport e-mail:"
            if notification.topic == SECURITY
            else "To stop e-mails like this one:"
        )
        + f"\n{unsubscribe}"
    )
    body = f"{notification.body}\n\n--\n{footer}"
    message = EmailMessage()
    message["From"] = config["PASSPORT_MAIL_FROM"]
    message["To"] = notification.address
    message["Subject"] = notification.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=config["PASSPORT_MAIL_FROM"].rpartition("@")[2])
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    message.add_alternative(_html(body), subtype="html")
    return message


def _claim(session: Session, notification_id: int) -> bool:
    claimed = session.execute(
        sa.update(Notification)
        .where(Notification.id == notification_id, Notification.status.in_(("pending", "failed")))
        .values(status="sending", attempts=Notification.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return bool(claimed)


def deliver(
    session: Session, notification_id: int, config: Any, now: datetime | None = None
) -> str:
    """Send one notification if it still waits; returns its status afterwards. Commits."""
    if not _claim(session, notification_id):
        status = session.scalar(
            sa.select(Notification.status).where(Notification.id == notification_id)
        )
        return status or "missing"
    notification = session.get(Notification, notification_id, populate_existing=True)
    now = now or utcnow()
    if notification.topic != SECURITY and notification.topic in opted_out_topics(
        session, notification.address
    ):
        notification.status = "unsubscribed"
        session.commit()
        return notification.status
    try:
        send_message(config, compose(notification, config))
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
        retry = notification.attempts < MAX_ATTEMPTS
        notification.status = "failed" if retry else "abandoned"
        notification.last_error = f"{type(error).__name__}: {error}"[:2000]
        pause = RETRY_PAUSES[min(notification.attempts, len(RETRY_PAUSES)) - 1]
        notification.next_attempt_at = now + pause if retry else None
        session.commit()
        log.warning("Notification %s not sent (%s)", notification_id, notification.last_error)
        return notification.status
    notification.status, notification.sent_at, notification.last_error = "sent", now, ""
    if notification.secret:
        notification.body = ONE_TIME_LINK_REMOVED
    session.commit()
    return notification.status


def due_ids(session: Session, now: datetime) -> list[int]:
    """Notifications the sweep should send: failed ones whose pause is over, and pending
    ones older than a minute (their queue entry was lost, say with a process)."""
    return list(
        session.scalars(
            sa.select(Notification.id)
            .where(
                sa.or_(
                    sa.and_(Notification.status == "failed", Notification.next_attempt_at <= now),
                    sa.and_(
                        Notification.status == "pending",
                        Notification.created_at <= now - timedelta(minutes=1),
                    ),
                )
            )
            .order_by(Notification.id)
            .limit(500)
        )
    )


def deliver_due(session: Session, config: Any, now: datetime | None = None) -> int:
    now = now or utcnow()
    return sum(deliver(session, i, config, now) == "sent" for i in due_ids(session, now))


def send_again(session: Session, notification_id: int) -> None:
    """An administrator's retry of a failed (or given-up, or stuck) delivery."""
    session.execute(
        sa.update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.status.in_(("failed", "abandoned", "sending")),
        )
        .values(status="pending", next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    session.info.setdefault(PENDING_KEY, []).append(notification_id)
    session.flush()
