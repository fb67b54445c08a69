"""Provider staff manage their API clients: create one (its secret is shown once) and
revoke it (its tokens stop working at once)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, requires
from passport.accounts.permissions import Permission
from passport.api import clients
from passport.api.forms import ApiClientForm
from passport.errors import ValidationError
from passport.extensions import db
from passport.forms import show_validation_error

bp = Blueprint("api_clients", __name__, url_prefix="/provider/api-clients")


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.API_CLIENTS_MANAGE)
def index() -> str | Response:
    form = ApiClientForm()
    if form.validate_on_submit():
        try:
            created = clients.create_client(
                db.session,
                provider_id=current_user.provider_id,
                user_id=current_user.id,
                name=form.name.data,
                scopes=form.scopes.data or [],
                ip_address=client_ip(),
            )
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            db.session.commit()
            response = Response(
                render_template(
                    "provider/api_client_created.html",
                    client=created.client,
                    secret=created.secret,
                )
            )
            response.headers["Cache-Control"] = "no-store"  # the secret must not be cached
            return response
    return render_template(
        "provider/api_clients.html",
        form=form,
        api_clients=clients.clients_of_provider(db.session, current_user.provider_id),
    )


@bp.post("/<int:api_client_id>/revoke")
@requires(Permission.API_CLIENTS_MANAGE)
def revoke(api_client_id: int) -> Response:
    client = clients.revoke_client(
        db.session,
        provider_id=current_user.provider_id,
        user_id=current_user.id,
        api_client_id=api_client_id,
        ip_address=client_ip(),
    )
    db.session.commit()
    flash(f"“{client.name}” is revoked; its access tokens no longer work.", "info")
    return redirect(url_for("api_clients.index"))
