"""Reads for the notification pages: a user's list and unread count, the delivery log."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.errors import Forbidden, NotFound
from passport.notifications.models import Notification
from passport.paging import Page, paginate


def unread_count(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def notifications_of(session: Session, user_id: int, page: int) -> Page:
    query = (
        sa.select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return paginate(session, query, page)


def notification_of(session: Session, user_id: int, notification_id: int) -> Notification:
    """One of the user's own notifications; anyone else's is refused."""
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise NotFound("No such notification.")
    if notification.user_id != user_id:
        raise Forbidden("This notification is someone else's.")
    return notification


def delivery_log(session: Session, status: str, page: int) -> Page:
    query = sa.select(Notification).order_by(Notification.created_at.desc(), Notification.id.desc())
    if status:
        query = query.where(Notification.status == status)
    return paginate(session, query, page)


def counts_by_status(session: Session) -> dict[str, int]:
    return dict(
        session.execute(
            sa.select(Notification.status, sa.func.count()).group_by(Notification.status)
        ).all()
    )
