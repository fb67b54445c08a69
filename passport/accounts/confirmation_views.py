"""Confirming an account's e-mail address: the link from the e-mail, and sending it again."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from passport.accounts import email_confirmation
from passport.accounts.access import client_ip, public, requires
from passport.accounts.models import User
from passport.accounts.permissions import Permission
from passport.errors import ValidationError
from passport.extensions import db, limiter
from passport.notifications.events import security_message
from passport.notifications.services import Message
from passport.sqlite_transactions import writes_on_get
from passport.urls import external_url

bp = Blueprint("email_confirmation", __name__)


def send_confirmation(user: User) -> None:
    """E-mail ``user`` the link that confirms its address (a security message, sent
    when the caller commits)."""
    token = email_confirmation.make_confirmation_token(current_app.config["SECRET_KEY"], user)
    link = external_url("email_confirmation.confirm", token=token)
    security_message(
        db.session,
        kind="security.confirm_address",
        address=user.email,
        user=user,
        secret=True,
        message=Message(
            "Confirm your e-mail address for Passport",
            "Welcome to Passport.\n\n"
            f"To confirm that this address is yours, open this link within three days:\n{link}"
            "\n\nYou need to confirm it before you can link a medical license to your account."
            "\nIf you did not sign up for Passport, ignore this message.",
        ),
    )


@bp.route("/confirm-email/<token>")
@public
@writes_on_get
def confirm(token: str) -> str | Response:
    try:
        email_confirmation.confirm_email(
            db.session, current_app.config["SECRET_KEY"], token, ip_address=client_ip()
        )
    except ValidationError as error:
        db.session.rollback()
        return render_template("accounts/reset_invalid.html", message=str(error)), 400
    db.session.commit()
    flash("Your e-mail address is confirmed. You can now link your license.", "success")
    return redirect(url_for("home.index"))


@bp.route("/account/confirm-email", methods=["POST"])
@limiter.limit("5 per hour")
@requires(Permission.ACCOUNT_MANAGE)
def resend() -> Response:
    if current_user.email_verified_at is None:  # CSRFProtect has checked the token
        send_confirmation(current_user)
        db.session.commit()
        flash(f"We sent a new confirmation link to {current_user.email}.", "info")
    return redirect(url_for("transcripts.link_license"))
