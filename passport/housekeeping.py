"""Daily housekeeping: forget what has served its purpose, so tables of short-lived notes
do not grow for ever. Each step deletes rows past a lifetime their own feature defines."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts.models import SignInFailure, UserSession
from passport.accounts.sign_in import FORGET_FAILURES_AFTER
from passport.api.idempotency import KEY_LIFETIME
from passport.api.models import IdempotentRequest
from passport.notifications.models import Notification
from passport.roster.models import LicenseLinkCode

SESSION_LIFETIME = timedelta(hours=12)  # PERMANENT_SESSION_LIFETIME: passport.config
NOTIFICATION_LIFETIME = timedelta(days=400)  # a renewal cycle's reminders, and a margin
FINISHED_DELIVERIES = ("sent", "unsubscribed", "abandoned")


def expire_old_notes(session: Session, now: datetime) -> dict[str, int]:
    """Delete expired idempotency keys, server-side sessions, sign-in failure counts,
    license link codes and old finished notifications; returns the count of each."""
    steps = {
        "idempotency keys": sa.delete(IdempotentRequest).where(
            IdempotentRequest.created_at < now - KEY_LIFETIME
        ),
        "sessions": sa.delete(UserSession).where(UserSession.created_at < now - SESSION_LIFETIME),
        "sign-in failure counts": sa.delete(SignInFailure).where(
            SignInFailure.last_failed_at < now - FORGET_FAILURES_AFTER
        ),
        "license link codes": sa.delete(LicenseLinkCode).where(
            LicenseLinkCode.expires_at < now - timedelta(days=1)
        ),
        "notifications": sa.delete(Notification).where(
            Notification.created_at < now - NOTIFICATION_LIFETIME,
            Notification.status.in_(FINISHED_DELIVERIES),
        ),
    }
    counts = {
        name: session.execute(statement.execution_options(synchronize_session=False)).rowcount
        for name, statement in steps.items()
    }
    session.flush()
    return counts
