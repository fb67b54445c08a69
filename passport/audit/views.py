"""Board staff pages."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user

from passport.accounts.access import requires
from passport.accounts.permissions import Permission
from passport.audit.queries import board_overview
from passport.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/board")


@bp.route("/")
@requires(Permission.AUDIT_READ)
def home() -> str:
    overview = board_overview(db.session, current_user.board_id, date.today())
    return render_template("board/home.html", overview=overview)
