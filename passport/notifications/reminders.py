"""Renewal reminders: 90, 30 and 7 days before a license expires, to each physician linked
to it who has not met every requirement, saying what is missing (the overview's sentence).

Run daily (a Huey periodic task, or ``flask run-scheduled``). A reminder's key names the
license, its expiry date and the step, so running twice sends once, a renewed license (a
new expiry) is reminded afresh, and what is missing is read on the day it is sent: credit
reported since the last step changes the next one, or stops it once everything is met.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from passport.accounts.models import User
from passport.compliance.evaluation import evaluate_licensees
from passport.compliance.needs import cycle_needs, hours_text, status_word
from passport.formatting import format_long_date
from passport.notifications.services import Message, notify
from passport.roster.models import Licensee, LicenseLink
from passport.urls import site_url

REMINDER_DAYS = (90, 30, 7)


def reminder_step(days_left: int) -> int | None:
    """The step a license is in: 7 within a week of expiry, 30 within a month, 90 within
    three; ``None`` before that or once expired. Only the latest step reached is sent, so
    a license linked 20 days before expiry gets the 30-day reminder, not the 90-day one."""
    if days_left < 0:
        return None
    reached = [step for step in REMINDER_DAYS if days_left <= step]
    return min(reached) if reached else None


def _rule_lines(evaluation) -> str:  # noqa: ANN001 - an Evaluation
    lines = []
    for result in evaluation.rules:
        amounts = (
            f"{hours_text(result.earned)} of {hours_text(result.required)} h"
            if result.unit == "hours"
            else f"{int(result.earned)} of {int(result.required)}"
        )
        lines.append(f"- {result.label}: {status_word(result.status)} ({amounts})")
    return "\n".join(lines)


def reminder_message(licensee: Licensee, evaluation, today: date, step: int) -> Message:  # noqa: ANN001
    needs = cycle_needs(evaluation, today)
    days = (licensee.expires_on - today).days
    url = site_url("transcripts.home")
    body = (
        f"Your license {licensee.license_number} ({licensee.board.name}) expires on "
        f"{format_long_date(licensee.expires_on)}, in {days} day{'s' if days != 1 else ''}.\n\n"
        f"{needs.headline}.\n\n"
        f"Each requirement, as the board sees it:\n{_rule_lines(evaluation)}\n\n"
        f"See what counted and what is missing:\n{url}"
    )
    return Message(
        subject=f"Your license expires in {days} day{'s' if days != 1 else ''}: CME still needed",
        body=body,
        link_path=urlsplit(url).path,
    )


def send_renewal_reminders(session: Session, today: date) -> int:
    """Record today's reminders; returns how many were new."""
    links = list(
        session.scalars(
            sa.select(LicenseLink)
            .join(Licensee, Licensee.id == LicenseLink.licensee_id)
            .join(User, User.id == LicenseLink.user_id)
            .where(
                Licensee.expires_on.between(today, today + timedelta(days=max(REMINDER_DAYS))),
                User.is_active_account.is_(True),
            )
            .options(joinedload(LicenseLink.licensee), joinedload(LicenseLink.user))
            .order_by(LicenseLink.id)
        )
    )
    evaluations = {
        result.licensee.id: result.evaluation
        for result in evaluate_licensees(session, {link.licensee for link in links})
    }
    sent = 0
    for link in links:
        licensee, evaluation = link.licensee, evaluations.get(link.licensee_id)
        step = reminder_step((licensee.expires_on - today).days)
        if step is None or evaluation is None or cycle_needs(evaluation, today).met:
            continue
        recorded = notify(
            session,
            event_key=(
                f"reminder:{licensee.id}:{licensee.expires_on.isoformat()}:{step}"
                f":user:{link.user_id}"
            ),
            kind=f"reminder.{step}",
            topic="reminders",
            message=reminder_message(licensee, evaluation, today, step),
            user=link.user,
        )
        sent += recorded is not None
    session.flush()
    return sent
