"""Share links: the physician's page to create, list and revoke them, and the page a
holder of a link opens, read-only and without an account (rate-limited, never cached,
each view logged)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import client_ip, public, requires
from passport.accounts.permissions import Permission
from passport.errors import ValidationError
from passport.extensions import db, limiter
from passport.forms import choices, show_validation_error
from passport.pdf_transcripts.services import display_code, verify
from passport.roster import queries as roster_queries
from passport.shares import services
from passport.shares.forms import ShareForm
from passport.sqlite_transactions import writes_on_get
from passport.urls import external_url

bp = Blueprint("shares", __name__)


def _form(links) -> ShareForm:  # noqa: ANN001 - the user's license links
    form = ShareForm()
    form.link_id.choices = choices(
        (str(link.id), f"{link.licensee.board.name} · {link.licensee.license_number}")
        for link in links
    )
    if not form.is_submitted() and links:
        expires_on = links[0].licensee.expires_on
        form.ends_on.data = min(date.today(), expires_on)
        form.starts_on.data = expires_on - timedelta(days=730)
        form.expires_on.data = date.today() + timedelta(days=30)
    return form


@bp.route("/physician/shares", methods=["GET", "POST"])
@requires(Permission.TRANSCRIPT_OWN_READ)
def index() -> str | Response:
    links = roster_queries.links_of(db.session, current_user.id)
    form = _form(links)
    created = None
    if form.validate_on_submit():
        link = roster_queries.link_of(db.session, current_user.id, int(form.link_id.data))
        try:
            created = services.create_share(
                db.session,
                user_id=current_user.id,
                link=link,
                recipient=form.recipient.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                expires_on=form.expires_on.data,
                today=date.today(),
                ip_address=client_ip(),
            )
        except ValidationError as error:
            db.session.rollback()
            show_validation_error(form, error)
        else:
            db.session.commit()
    return render_template(
        "shares/index.html",
        form=form,
        links=links,
        shares=services.shares_of(db.session, current_user.id),
        created_url=external_url("shares.shared", token=created.token) if created else None,
        today=date.today(),
        display_code=display_code,
    )


@bp.route("/physician/shares/<int:share_id>/revoke", methods=["POST"])
@requires(Permission.TRANSCRIPT_OWN_READ)
def revoke(share_id: int) -> Response:
    services.revoke_share(
        db.session, user_id=current_user.id, share_id=share_id, ip_address=client_ip()
    )
    db.session.commit()
    flash("Revoked: the link no longer opens the transcript.", "success")
    return redirect(url_for("shares.index"))


@bp.route("/shared/<token>")
@limiter.limit("30 per minute")
@public
@writes_on_get
def shared(token: str) -> tuple[str, int] | Response:
    try:
        share, document = services.open_share(
            db.session, token, today=date.today(), ip_address=client_ip()
        )
    except services.ShareClosed:
        db.session.rollback()
        page = render_template("shares/closed.html")
        return _private(page, 410)
    db.session.commit()
    page = render_template(
        "shares/shared.html",
        share=share,
        document=document,
        verification=verify(db.session, share.issued.code),
    )
    return _private(page, 200)


def _private(page: str, status: int) -> Response:
    """The token is in the URL: no cache keeps the page, no Referer carries the link on."""
    response = Response(page, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
