"""Provider staff pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from passport.accounts.access import requires
from passport.accounts.permissions import Permission
from passport.extensions import db
from passport.reporting.queries import provider_overview, recent_uploads

bp = Blueprint("reporting", __name__, url_prefix="/provider")


@bp.route("/")
@requires(Permission.COMPLETIONS_REPORT)
def home() -> str:
    provider_id = current_user.provider_id
    return render_template(
        "provider/home.html",
        overview=provider_overview(db.session, provider_id),
        uploads=recent_uploads(db.session, provider_id),
    )
