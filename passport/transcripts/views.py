"""The physician's pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from passport.accounts.access import requires
from passport.accounts.permissions import Permission
from passport.extensions import db
from passport.transcripts.queries import linked_license_summaries

bp = Blueprint("transcripts", __name__, url_prefix="/physician")


@bp.route("/")
@requires(Permission.TRANSCRIPT_OWN_READ)
def home() -> str:
    summaries = linked_license_summaries(db.session, current_user.id)
    return render_template("physician/home.html", summaries=summaries)
