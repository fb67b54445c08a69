"""Accepting an invitation: the link from the e-mail, where the invitee chooses a
password. Board staff and administrators then go straight to two-factor setup and can
reach nothing else until they have enrolled (``views.require_two_factor_enrolment``)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from passport.accounts import invitations, two_factor, user_sessions
from passport.accounts.access import client_ip, public
from passport.accounts.forms import ResetPasswordForm
from passport.accounts.views import _start_session
from passport.errors import ValidationError
from passport.extensions import db, limiter
from passport.forms import show_validation_error

bp = Blueprint("invitations", __name__)


def _limit() -> str:
    return current_app.config["PASSPORT_LOGIN_LIMIT"]


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@public
def accept(token: str) -> str | Response | tuple[str, int]:
    try:
        invitation = invitations.invitation_for_token(db.session, token)
    except ValidationError as error:
        return render_template("accounts/invitation_invalid.html", message=str(error)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(
                db.session, token, form.new_password.data, ip_address=client_ip()
            )
        except ValidationError as error:
            db.session.rollback()
            show_validation_error(form, error)
        else:
            db.session.commit()
            if current_user.is_authenticated:  # someone else was signed in here: not now
                user_sessions.end(db.session, session.get(user_sessions.SESSION_TOKEN_KEY))
                logout_user()
            _start_session(user)
            if two_factor.is_required_for(user):
                flash("Welcome. Your role needs two-factor sign-in: please set it up now.", "info")
                return redirect(url_for("accounts.two_factor_setup"))
            flash("Welcome to Passport. Your account is ready.", "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)
