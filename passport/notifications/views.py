"""The notifications pages: everyone's list (the e-mails, mirrored) and preferences; the
one-click unsubscribe link (no account or session needed: the signed token is the proof);
the administrators' delivery log."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts.access import public, requires
from passport.accounts.permissions import Permission
from passport.extensions import csrf, db, limiter
from passport.notifications import delivery, queries, services
from passport.notifications.forms import PreferencesForm
from passport.notifications.models import DELIVERY_LABELS, SECURITY, TOPICS, Notification
from passport.urls import local_path

bp = Blueprint("notifications", __name__)


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.route("/notifications/")
@requires(Permission.ACCOUNT_MANAGE)
def index() -> str:
    return render_template(
        "notifications/index.html",
        page=queries.notifications_of(db.session, current_user.id, _page()),
    )


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@requires(Permission.ACCOUNT_MANAGE)
def open_notification(notification_id: int) -> Response:
    """Mark it read and go where it points."""
    notification = queries.notification_of(db.session, current_user.id, notification_id)
    services.mark_read(db.session, user_id=current_user.id, notification_id=notification.id)
    db.session.commit()
    return redirect(local_path(notification.link_path) or url_for("notifications.index"))


@bp.route("/notifications/read", methods=["POST"])
@requires(Permission.ACCOUNT_MANAGE)
def mark_all_read() -> Response:
    services.mark_read(db.session, user_id=current_user.id)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_MANAGE)
def preferences() -> str | Response:
    form = PreferencesForm()
    if form.validate_on_submit():
        services.set_preferences(
            db.session, address=current_user.email, wanted=set(form.topics.data or ())
        )
        db.session.commit()
        flash("Your e-mail preferences are saved.", "success")
        return redirect(url_for("notifications.preferences"))
    if not form.is_submitted():
        form.topics.data = sorted(
            set(TOPICS) - services.opted_out_topics(db.session, current_user.email)
        )
    return render_template("notifications/preferences.html", form=form)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
@csrf.exempt  # RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click", no session
@public
def unsubscribe(token: str) -> str | tuple[str, int]:
    """GET asks (mail scanners open links); POST unsubscribes, once."""
    found = delivery.read_unsubscribe_token(current_app.config["SECRET_KEY"], token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 400
    address, topic = found
    label = "every optional Passport e-mail" if topic in ("all", SECURITY) else TOPICS.get(topic)
    changed = None
    if request.method == "POST":
        changed = services.unsubscribe(db.session, address=address, topic=topic)
        db.session.commit()
    return render_template(
        "notifications/unsubscribe.html", invalid=False, label=label, changed=changed
    )


@bp.route("/admin/deliveries")
@requires(Permission.ADMIN_MANAGE)
def delivery_log() -> str:
    status = request.args.get("status", "")
    status = status if status in DELIVERY_LABELS else ""
    return render_template(
        "notifications/delivery_log.html",
        page=queries.delivery_log(db.session, status, _page()),
        status=status,
        labels=DELIVERY_LABELS,
        counts=queries.counts_by_status(db.session),
    )


@bp.route("/admin/deliveries/<int:notification_id>/retry", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def retry_delivery(notification_id: int) -> Response:
    if db.session.get(Notification, notification_id) is None:
        abort(404)
    delivery.send_again(db.session, notification_id)
    db.session.commit()
    flash("It will be sent again in a moment.", "success")
    return redirect(url_for("notifications.delivery_log"))
