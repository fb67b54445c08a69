"""The access log entry a board page writes for what its signed-in staff member looked at
(DESIGN.md: every board access to a licensee's record is logged). A view helper: it reads
the request's user and address, so services never do."""

from __future__ import annotations

from flask_login import current_user

from passport.accounts.access import client_ip
from passport.extensions import db
from passport.trail.services import log_board_access


def log_look(action: str, licensee_id: int | None = None, detail: str | None = None) -> None:
    """Write one access-log entry for the current board user (the caller commits)."""
    log_board_access(
        db.session,
        user_id=current_user.id,
        board_id=current_user.board_id,
        licensee_id=licensee_id,
        action=action,
        detail=detail,
        ip_address=client_ip(),
    )
