"""A board's requirement set, as the board's row says: the file it names (or the one of
its own code) with the administrator's correction of when reporting began folded in.

Every feature looks a board's rules up here, never by code in ``requirements.rules``
alone, so the drill-down, the transcript and the kept standings agree. The correction
is folded in with ``dataclasses.replace``: ``requirements_version`` digests the whole
set, so changing it re-evaluates the board's standings on the next refresh.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy.orm import Session

from passport.requirements.rules import RequirementSet, requirement_set_for, requirement_sets
from passport.roster.models import Board


def requirement_set_of(board: Board | None) -> RequirementSet | None:
    """The rules that apply to ``board``'s licensees, or ``None`` when it has none."""
    if board is None:
        return None
    rs = requirement_set_for(board.requirement_set_code)
    if rs is None or board.reporting_began_on is None:
        return rs
    if board.reporting_began_on == rs.reporting_began_on:
        return rs
    return dataclasses.replace(rs, reporting_began_on=board.reporting_began_on)


def requirement_set_of_board(session: Session, board_id: int) -> RequirementSet | None:
    return requirement_set_of(session.get(Board, board_id))


def requirement_set_choices() -> list[tuple[str, str]]:
    """(key, "CA-MBC: Medical Board of California") for every data file, for a form."""
    return [(code, f"{code}: {rs.name}") for code, rs in sorted(requirement_sets().items())]
