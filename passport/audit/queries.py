"""Reads for board staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.errors import Forbidden, NotFound
from passport.reporting.models import Completion
from passport.roster.models import Licensee, LicenseLink
from passport.transcripts.models import Discrepancy, SelfReportedCredit


@dataclass(frozen=True)
class BoardOverview:
    licensee_count: int
    renewing_soon_count: int
    open_discrepancy_count: int


def board_overview(
    session: Session, board_id: int, today: date, window_days: int = 90
) -> BoardOverview:
    licensee_count, renewing_soon = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(
                Licensee.expires_on.between(today, today + timedelta(days=window_days))
            ),
        ).where(Licensee.board_id == board_id, Licensee.on_latest_roster.is_(True))
    ).one()
    open_discrepancies = session.scalar(
        sa.select(sa.func.count())
        .select_from(Discrepancy)
        .join(Licensee, Discrepancy.licensee_id == Licensee.id)
        .where(Licensee.board_id == board_id, Discrepancy.status == "open")
    )
    return BoardOverview(licensee_count, renewing_soon, open_discrepancies or 0)


def licensee_for_board(session: Session, board_id: int, licensee_id: int) -> Licensee:
    licensee = session.get(Licensee, licensee_id)
    if licensee is None:
        raise NotFound("No such licensee.")
    if licensee.board_id != board_id:
        raise Forbidden("This licensee belongs to another board.")
    return licensee


def licensee_completions(session: Session, licensee_id: int) -> list[Completion]:
    """Every live completion matched to the licensee, newest first (the drill-down)."""
    return list(
        session.scalars(
            sa.select(Completion)
            .where(Completion.licensee_id == licensee_id, Completion.deleted_at.is_(None))
            .order_by(Completion.completed_on.desc(), Completion.id.desc())
        )
    )


def licensee_discrepancies(session: Session, licensee_id: int) -> list[Discrepancy]:
    return list(
        session.scalars(
            sa.select(Discrepancy)
            .where(Discrepancy.licensee_id == licensee_id)
            .order_by(Discrepancy.created_at.desc())
        )
    )


def licensee_self_reported(session: Session, licensee_id: int) -> list[SelfReportedCredit]:
    """Live self-reported credit of the physicians linked to the licensee (the board sees
    it, marked apart; whether it counts is the requirement set's to say)."""
    return list(
        session.scalars(
            sa.select(SelfReportedCredit)
            .join(LicenseLink, LicenseLink.user_id == SelfReportedCredit.user_id)
            .where(
                LicenseLink.licensee_id == licensee_id,
                SelfReportedCredit.withdrawn_at.is_(None),
            )
            .order_by(SelfReportedCredit.completed_on.desc(), SelfReportedCredit.id.desc())
        )
    )
