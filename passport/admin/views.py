"""Administrators' pages: the boards, providers and accounts on this installation."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from passport.accounts.access import requires
from passport.accounts.permissions import Permission
from passport.accounts.queries import list_users
from passport.extensions import db
from passport.reporting.models import Provider
from passport.roster.models import Board
from passport.roster.queries import contested_claims, current_holders

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@requires(Permission.ADMIN_MANAGE)
def home() -> str:
    boards = list(db.session.scalars(sa.select(Board).order_by(Board.code)))
    providers = list(db.session.scalars(sa.select(Provider).order_by(Provider.name)))
    staff = [user for user in list_users(db.session) if user.role != "physician"]
    contested = contested_claims(db.session)
    return render_template(
        "admin/home.html",
        boards=boards,
        providers=providers,
        staff=staff,
        contested=contested,
        holders=current_holders(db.session, {attempt.licensee_id for attempt in contested}),
    )
