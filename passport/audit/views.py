"""Board staff pages."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.audit.queries import board_overview
from passport.audit.services import log_board_access
from passport.extensions import db
from passport.transcripts import discrepancy_queries

bp = Blueprint("audit", __name__, url_prefix="/board")


@bp.route("/")
@requires(Permission.AUDIT_READ)
def home() -> str:
    overview = board_overview(db.session, current_user.board_id, date.today())
    return render_template("board/home.html", overview=overview)


@bp.route("/discrepancies")
@requires(Permission.AUDIT_READ)
def discrepancies() -> str:
    status = request.args.get("status", "active")
    page = discrepancy_queries.board_discrepancies(
        db.session, current_user.board_id, status, request.args.get("page", 1, type=int) or 1
    )
    return render_template("board/discrepancies.html", page=page, status=status)


@bp.route("/discrepancies/<int:discrepancy_id>")
@requires(Permission.AUDIT_READ)
def discrepancy(discrepancy_id: int) -> str:
    item = discrepancy_queries.discrepancy_for_board(
        db.session, current_user.board_id, discrepancy_id
    )
    log_board_access(
        db.session,
        user_id=current_user.id,
        board_id=current_user.board_id,
        licensee_id=item.licensee_id,
        action="discrepancy.view",
        detail=f"discrepancy {item.id}",
        ip_address=client_ip(),
    )
    db.session.commit()
    return render_template("board/discrepancy.html", discrepancy=item)
