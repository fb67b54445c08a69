"""Bringing a board on, changing it, and taking it off (deactivating, never deleting).

Plain functions taking a session, the acting administrator and values; they flush and
write the audit trail, the caller commits once. A deactivated board keeps its roster,
audits and trail; its staff cannot sign in (``User.is_active``) and their sessions end
at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from passport.accounts.models import User
from passport.accounts.staff import set_organization_active
from passport.errors import Conflict, ValidationError
from passport.requirements.rules import requirement_sets
from passport.roster.models import Board
from passport.trail.services import record_event

_BOARD_CODE = re.compile(r"[A-Z]{2}-[A-Z0-9]{2,16}")
_STATE = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True)
class BoardDetails:
    """What an administrator types about a board."""

    code: str
    name: str
    state: str
    license_pattern: str
    license_example: str
    requirement_set: str | None = None  # a key of ``requirement_sets()``; none: its code's
    reporting_began_on: date | None = None  # none: the requirement set's date


def _checked(details: BoardDetails) -> BoardDetails:
    code, state = details.code.strip().upper(), details.state.strip().upper()
    if not _BOARD_CODE.fullmatch(code):
        raise ValidationError("A board code is a state and a short name, e.g. CA-MBC.", "code")
    if not _STATE.fullmatch(state):
        raise ValidationError("The state is its two-letter code, e.g. CA.", "state")
    if not details.name.strip():
        raise ValidationError("Please give the board's name.", "name")
    pattern, example = details.license_pattern.strip(), details.license_example.strip().upper()
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ValidationError(
            f"That license number pattern is not a regular expression: {error}",
            "license_pattern",
        ) from error
    if not compiled.fullmatch(example):
        raise ValidationError(
            "The example license number does not fit the pattern.", "license_example"
        )
    # The file of the board's own code is the default: kept as "none", so a board that
    # uses its own file keeps doing so when nothing else changes.
    chosen = None if details.requirement_set in (None, "", code) else details.requirement_set
    if chosen is not None and chosen not in requirement_sets():
        raise ValidationError("There is no requirement set of that name.", "requirement_set")
    return BoardDetails(
        code=code,
        name=details.name.strip(),
        state=state,
        license_pattern=pattern,
        license_example=example,
        requirement_set=chosen,
        reporting_began_on=details.reporting_began_on,
    )


def _changes(board: Board, details: BoardDetails) -> dict[str, str | None]:
    """The fields that change, old and new, as words for the trail's detail."""
    changed = {}
    for name in BoardDetails.__dataclass_fields__:
        old, new = getattr(board, name), getattr(details, name)
        if old != new:
            changed[name] = f"{old if old is not None else 'none'} → {new or 'none'}"
    return changed


def _ensure_code_free(session: Session, code: str, board_id: int | None = None) -> None:
    clash = session.scalar(sa.select(Board.id).where(Board.code == code))
    if clash is not None and clash != board_id:
        raise Conflict(f"Another board already has the code {code}.")


def create_board(
    session: Session, details: BoardDetails, *, actor_user_id: int, ip_address: str | None = None
) -> Board:
    details = _checked(details)
    _ensure_code_free(session, details.code)
    board = Board(
        code=details.code,
        name=details.name,
        state=details.state,
        license_pattern=details.license_pattern,
        license_example=details.license_example,
        requirement_set=details.requirement_set,
        reporting_began_on=details.reporting_began_on,
        active=True,
    )
    session.add(board)
    session.flush()
    record_event(
        session,
        actor_user_id=actor_user_id,
        action="board.created",
        object_type="board",
        object_id=board.id,
        detail={"code": board.code, "state": board.state},
        ip_address=ip_address,
    )
    return board


def update_board(
    session: Session,
    board: Board,
    details: BoardDetails,
    *,
    actor_user_id: int,
    ip_address: str | None = None,
) -> dict[str, str | None]:
    """Change the board; return what changed (empty when nothing did)."""
    details = _checked(details)
    _ensure_code_free(session, details.code, board.id)
    changed = _changes(board, details)
    if not changed:
        return changed
    for name in BoardDetails.__dataclass_fields__:
        setattr(board, name, getattr(details, name))
    record_event(
        session,
        actor_user_id=actor_user_id,
        action="board.updated",
        object_type="board",
        object_id=board.id,
        detail=changed,
        ip_address=ip_address,
    )
    session.flush()
    return changed


def set_board_active(
    session: Session,
    board: Board,
    active: bool,
    *,
    actor_user_id: int,
    ip_address: str | None = None,
) -> None:
    """Deactivate (its staff's sessions end now) or reactivate a board."""
    set_organization_active(
        session,
        board,
        active,
        object_type="board",
        action="board.reactivated" if active else "board.deactivated",
        staff=User.board_id == board.id,
        actor_user_id=actor_user_id,
        ip_address=ip_address,
    )
