"""Reads for provider staff: their activities, uploads, completions and queues."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.reporting.models import Activity, Completion, MatchStatus, Upload
from passport.transcripts.models import Discrepancy


@dataclass(frozen=True)
class ProviderOverview:
    activity_count: int
    completion_count: int
    unmatched_count: int
    open_discrepancy_count: int


def provider_overview(session: Session, provider_id: int) -> ProviderOverview:
    live_completions = (
        sa.select(Completion.match_status)
        .join(Activity, Completion.activity_id == Activity.id)
        .where(Activity.provider_id == provider_id, Completion.deleted_at.is_(None))
        .subquery()
    )
    completion_count, unmatched_count = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(live_completions.c.match_status != MatchStatus.MATCHED),
        ).select_from(live_completions)
    ).one()
    return ProviderOverview(
        activity_count=session.scalar(
            sa.select(sa.func.count())
            .select_from(Activity)
            .where(Activity.provider_id == provider_id)
        )
        or 0,
        completion_count=completion_count,
        unmatched_count=unmatched_count,
        open_discrepancy_count=session.scalar(
            sa.select(sa.func.count())
            .select_from(Discrepancy)
            .join(Activity, Discrepancy.activity_id == Activity.id)
            .where(Activity.provider_id == provider_id, Discrepancy.status == "open")
        )
        or 0,
    )


def recent_uploads(session: Session, provider_id: int, limit: int = 10) -> list[Upload]:
    return list(
        session.scalars(
            sa.select(Upload)
            .where(Upload.provider_id == provider_id)
            .order_by(Upload.created_at.desc(), Upload.id.desc())
            .limit(limit)
        )
    )
