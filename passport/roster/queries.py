"""Reads about boards, licences and links."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.errors import Forbidden, NotFound
from passport.roster.models import Board, LicenseLink, LinkAttempt


def contested_claims(
    session: Session, limit: int = 100, board_id: int | None = None
) -> list[LinkAttempt]:
    """Second claims on licenses already linked to another account, newest first (admins;
    ``board_id``: one board's licensees)."""
    query = sa.select(LinkAttempt).where(LinkAttempt.outcome == "claimed_by_other")
    if board_id is not None:
        query = query.where(LinkAttempt.board_id == board_id)
    return list(session.scalars(query.order_by(LinkAttempt.attempted_at.desc()).limit(limit)))


def board_choices(session: Session) -> list[tuple[str, str]]:
    return [
        (str(board.id), board.name)
        for board in session.scalars(sa.select(Board).order_by(Board.name))
    ]


def links_of(session: Session, user_id: int) -> list[LicenseLink]:
    return list(
        session.scalars(
            sa.select(LicenseLink).where(LicenseLink.user_id == user_id).order_by(LicenseLink.id)
        )
    )


def linked_user_ids(session: Session, licensee_id: int) -> list[int]:
    """The accounts a licence is linked to (whose self-reported credit goes with it)."""
    return list(
        session.scalars(
            sa.select(LicenseLink.user_id)
            .where(LicenseLink.licensee_id == licensee_id)
            .order_by(LicenseLink.user_id)
        )
    )


def link_of(session: Session, user_id: int, link_id: int) -> LicenseLink:
    """One of the user's own links."""
    link = session.get(LicenseLink, link_id)
    if link is None:
        raise NotFound("No such linked licence.")
    if link.user_id != user_id:
        raise Forbidden("This licence is linked to another account.")
    return link


def current_holders(session: Session, licensee_ids: set[int | None]) -> dict[int, str]:
    """The e-mail of the account each licence is linked to (for reviewing contested claims)."""
    ids = {i for i in licensee_ids if i is not None}
    if not ids:
        return {}
    return dict(
        session.execute(
            sa.select(LicenseLink.licensee_id, User.email)
            .join(User, User.id == LicenseLink.user_id)
            .where(LicenseLink.licensee_id.in_(ids))
        ).all()
    )
