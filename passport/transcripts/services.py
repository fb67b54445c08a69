"""Physicians' writes besides discrepancies: self-reported credit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.db import utcnow
from passport.errors import ValidationError
from passport.reporting.models import CreditType, Topic
from passport.transcripts.certificates import StoredCertificate
from passport.transcripts.models import SelfReportedCredit
from passport.transcripts.rules import check_claimed_credits, check_completion_date

MAX_SELF_REPORTED_CREDITS = Decimal(100)


@dataclass(frozen=True)
class SelfReport:
    title: str
    provider_name: str
    completed_on: date | None
    credits: Decimal | None
    credit_type_code: str
    topic_codes: tuple[str, ...] = ()


def add_self_reported_credit(
    session: Session,
    *,
    user_id: int,
    report: SelfReport,
    certificate: StoredCertificate,
    today: date,
) -> SelfReportedCredit:
    """Record credit the physician claims; it is always marked and totalled as self-reported."""
    title, provider_name = report.title.strip(), report.provider_name.strip()
    if not title:
        raise ValidationError("Enter the activity's title.", "title")
    if not provider_name:
        raise ValidationError("Enter who provided the activity.", "provider_name")
    completed_on = check_completion_date(report.completed_on, today)
    credits = check_claimed_credits(report.credits)
    if credits > MAX_SELF_REPORTED_CREDITS:
        raise ValidationError("That is more credit than one activity gives.", "credits")
    if session.get(CreditType, report.credit_type_code) is None:
        raise ValidationError("Choose a credit type.", "credit_type_code")
    topics = list(session.scalars(sa.select(Topic).where(Topic.code.in_(report.topic_codes))))
    credit = SelfReportedCredit(
        user_id=user_id,
        title=title[:300],
        provider_name=provider_name[:200],
        completed_on=completed_on,
        credits=credits,
        credit_type_code=report.credit_type_code,
        certificate_sha256=certificate.sha256,
        certificate_media_type=certificate.media_type,
        certificate_filename=certificate.filename,
        certificate_size=certificate.size,
        topics=topics,
    )
    session.add(credit)
    session.flush()
    return credit


def withdraw_self_reported_credit(session: Session, *, credit: SelfReportedCredit) -> None:
    """Take a claim off the transcript; the row and certificate are kept."""
    credit.withdrawn_at = utcnow()
    session.flush()
