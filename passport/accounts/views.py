"""Sign-up, sign-in, sign-out, account page, password change and reset."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from passport.accounts import services
from passport.accounts.access import client_ip, public, requires
from passport.accounts.forms import (
    PasswordChangeForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignInForm,
    SignUpForm,
)
from passport.accounts.permissions import Permission
from passport.accounts.queries import user_by_email
from passport.errors import ValidationError
from passport.extensions import db, limiter
from passport.forms import show_validation_error
from passport.mail import send_mail

bp = Blueprint("accounts", __name__)


def _sign_in_email_key() -> str:
    """Throttle by the account being attacked as well as by the address attacking it."""
    return "sign-in:" + (request.form.get("email") or "").strip().lower()


def _login_limit() -> str:
    return current_app.config["PASSPORT_LOGIN_LIMIT"]


def _safe_next(target: str | None) -> str | None:
    """Only follow ``next`` to a path on this site, never to another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_sign_in_email_key)
@public
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.form_errors.append("That email and password do not match an account.")
        else:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-up", methods=["GET", "POST"])
@public
def sign_up() -> str | Response:
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = services.register_physician(
                db.session,
                email=form.email.data,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                password=form.password.data,
                ip_address=client_ip(),
            )
        except ValidationError as error:
            db.session.rollback()
            show_validation_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash("Welcome to Passport. Your account is ready.", "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/sign_up.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out() -> Response:
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_MANAGE)
def account() -> str | Response:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                db.session,
                current_user,
                form.current_password.data,
                form.new_password.data,
                ip=client_ip(),
            )
        except ValidationError as error:
            db.session.rollback()
            show_validation_error(form, error)
        else:
            db.session.commit()
            login_user(current_user)  # this session carries the new version; others end
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def request_reset() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = user_by_email(db.session, form.email.data)
        if user is not None and user.is_active_account:
            token = services.make_reset_token(current_app.config["SECRET_KEY"], user)
            link = url_for("accounts.reset_password", token=token, _external=True)
            send_mail(
                current_app.config,
                user.email,
                "Reset your Passport password",
                f"Someone asked to reset the password of your Passport account.\n\n"
                f"To choose a new password, open this link within an hour:\n{link}\n\n"
                f"If it was not you, ignore this message; your password stays as it is.",
            )
        # The same answer whether or not the account exists: no address enumeration.
        flash(
            "If an account uses that address, we have sent it a link to reset the password.", "info"
        )
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/request_reset.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> str | Response:
    config = current_app.config
    try:
        services.user_for_reset_token(
            db.session, config["SECRET_KEY"], token, config["PASSPORT_RESET_TOKEN_MAX_AGE"]
        )
    except ValidationError as error:
        return render_template("accounts/reset_invalid.html", message=str(error)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(
                db.session,
                config["SECRET_KEY"],
                token,
                config["PASSPORT_RESET_TOKEN_MAX_AGE"],
                form.new_password.data,
                ip=client_ip(),
            )
        except ValidationError as error:
            db.session.rollback()
            show_validation_error(form, error)
        else:
            db.session.commit()
            logout_user()
            flash("Your password is changed. Please sign in with it.", "success")
            return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)
