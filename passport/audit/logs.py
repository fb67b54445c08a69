"""The logs in words: the board's access log and the administrators' audit trail,
filtered by who (part of an e-mail address or name), what (an action), which licensee
(a license number) and when, and exported as .csv.

The trail depends on no feature, so the filters that name accounts or licensees are
resolved to ids here, where accounts and the roster may be read.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.roster.identifiers import normalise_license_number
from passport.roster.models import Licensee
from passport.trail.queries import LogFilters, ResolvedIds


def _people(session: Session, who: str, board_id: int | None) -> list[int] | None:
    if not who:
        return None
    pattern = who.lower()
    query = sa.select(User.id).where(
        sa.or_(
            sa.func.lower(User.email).contains(pattern, autoescape=True),
            sa.func.lower(User.first_name + " " + User.last_name).contains(
                pattern, autoescape=True
            ),
        )
    )
    if board_id is not None:
        query = query.where(User.board_id == board_id)
    return list(session.scalars(query))


def _licensees(session: Session, text: str, board_id: int | None) -> list[int] | None:
    if not text:
        return None
    query = sa.select(Licensee.id).where(Licensee.license_number == normalise_license_number(text))
    if board_id is not None:
        query = query.where(Licensee.board_id == board_id)
    return list(session.scalars(query))


def resolve(session: Session, filters: LogFilters, board_id: int | None = None) -> ResolvedIds:
    """The accounts and licensees the filters name; a board sees only its own."""
    return ResolvedIds(
        user_ids=_people(session, filters.who, board_id),
        licensee_ids=_licensees(session, filters.licensee, board_id),
    )
