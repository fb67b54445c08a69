"""The front door: send each signed-in user to their role's home page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import public
from passport.accounts.permissions import Role

bp = Blueprint("home", __name__)

ROLE_HOMES = {
    Role.PHYSICIAN: "transcripts.home",
    Role.PROVIDER: "reporting.home",
    Role.BOARD: "audit.home",
    Role.ADMIN: "admin.home",
}


@bp.route("/")
@public
def index() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for(ROLE_HOMES[current_user.role_enum]))
    return render_template("home.html")


@bp.route("/healthz")
@public
def health() -> dict[str, str]:
    return {"status": "ok"}
