"""Reads for the physician's side: linked licences and the credits matched to them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.reporting.models import Completion
from passport.roster.models import LicenseLink


@dataclass(frozen=True)
class LinkedLicenseSummary:
    link: LicenseLink
    completion_count: int
    total_credits: Decimal


def linked_license_summaries(session: Session, user_id: int) -> list[LinkedLicenseSummary]:
    """Each licence the user has linked, with the count and sum of live completions."""
    links = list(
        session.scalars(
            sa.select(LicenseLink).where(LicenseLink.user_id == user_id).order_by(LicenseLink.id)
        )
    )
    if not links:
        return []
    totals = dict(
        (row.licensee_id, (row.count, row.total))
        for row in session.execute(
            sa.select(
                Completion.licensee_id,
                sa.func.count().label("count"),
                sa.func.coalesce(sa.func.sum(Completion.credits), 0).label("total"),
            )
            .where(
                Completion.licensee_id.in_([link.licensee_id for link in links]),
                Completion.deleted_at.is_(None),
            )
            .group_by(Completion.licensee_id)
        )
    )
    return [
        LinkedLicenseSummary(
            link=link,
            completion_count=totals.get(link.licensee_id, (0, 0))[0],
            total_credits=Decimal(totals.get(link.licensee_id, (0, Decimal(0)))[1]),
        )
        for link in links
    ]
