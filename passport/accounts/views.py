"""Sign-up, sign-in, sign-out, account page, password change and reset."""

from __future__ import annotations

from time import time

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from passport.accounts import services, two_factor
from passport.accounts.access import client_ip, is_static_endpoint, public, requires
from passport.accounts.confirmation_views import send_confirmation
from passport.accounts.forms import (
    PasswordChangeForm,
    PasswordConfirmForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignInForm,
    SignUpForm,
    TwoFactorCodeForm,
    TwoFactorEnableForm,
)
from passport.accounts.passwords import verify_password
from passport.accounts.permissions import Permission
from passport.accounts.queries import load_user_from_session, user_by_email
from passport.errors import ValidationError
from passport.extensions import db, limiter
from passport.forms import show_error, show_validation_error
from passport.mail import send_mail
from passport.urls import external_url, local_path

bp = Blueprint("accounts", __name__)


def _sign_in_email_key() -> str:
    """Throttle by the account being attacked as well as by the address attacking it."""
    return "sign-in:" + (request.form.get("email") or "").strip().lower()


def _login_limit() -> str:
    return current_app.config["PASSPORT_LOGIN_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_sign_in_email_key)
@public
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        next_path = local_path(request.args.get("next"))
        try:
            user = services.authenticate(db.session, form.email.data, form.password.data)
        except services.SignInDelayed as delayed:
            form.form_errors.append(_delay_message(delayed))
        else:
            db.session.commit()  # a failure is counted even when the answer is "no"
            if user is None:
                form.form_errors.append("That email and password do not match an account.")
            elif user.has_two_factor:
                session[PENDING_KEY] = {"user": user.get_id(), "next": next_path, "at": time()}
                return redirect(url_for("accounts.two_factor_sign_in"))
            else:
                return _complete_sign_in(user, next_path)
    return render_template("accounts/sign_in.html", form=form)


PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300  # the password step is good for five minutes


def _delay_message(delayed: services.SignInDelayed) -> str:
    return (
        "Too many failed attempts for this account. Please wait "
        f"{delayed.wait_seconds} second{'s' if delayed.wait_seconds != 1 else ''} and try again."
    )


def _complete_sign_in(user, next_path: str | None) -> Response:  # noqa: ANN001 - a User
    services.note_successful_sign_in(db.session, user)
    db.session.commit()
    session.pop(PENDING_KEY, None)
    login_user(user)
    if two_factor.is_required_for(user) and not user.has_two_factor:
        flash("Your role needs two-factor sign-in. Please set it up now.", "warning")
        return redirect(url_for("accounts.two_factor_setup"))
    return redirect(next_path or url_for("home.index"))


def _pending_user():
    """The user who passed the password step in this browser, if still fresh."""
    pending = session.get(PENDING_KEY)
    if not pending or time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return load_user_from_session(pending["user"])


@bp.route("/sign-in/two-factor", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def two_factor_sign_in() -> str | Response:
    """The second step of sign-in: a code from the authenticator app, or a recovery code."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash("Please sign in again.", "info")
        return redirect(url_for("accounts.sign_in"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        try:
            services.check_not_delayed(user)
        except services.SignInDelayed as delayed:
            form.form_errors.append(_delay_message(delayed))
            return render_template("accounts/two_factor_sign_in.html", form=form)
        used = two_factor.verify(db.session, user, form.code.data, current_app.config["SECRET_KEY"])
        if used is None:
            services.note_failed_sign_in(db.session, user)
            db.session.commit()
            show_error(form, "That code is not right, or it was already used.", "code")
        else:
            if used == "recovery":
                left = two_factor.recovery_codes_left(db.session, user)
                flash(
                    f"You signed in with a recovery code; {left} left. If your phone is lost, "
                    "move two-factor sign-in to a new phone from your account page.",
                    "warning",
                )
            return _complete_sign_in(user, session.get(PENDING_KEY, {}).get("next"))
    return render_template("accounts/two_factor_sign_in.html", form=form)


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
            send_confirmation(user)
            login_user(user)
            flash(
                f"Welcome to Passport. We sent a link to {user.email}: open it to confirm "
                "your address before you link your license.",
                "success",
            )
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
    return render_template(
        "accounts/account.html",
        form=form,
        confirm_form=PasswordConfirmForm(formdata=None),
        two_factor_required=two_factor.is_required_for(current_user),
    )


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def request_reset() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = user_by_email(db.session, form.email.data)
        if user is not None and user.is_active_account:
            token = services.make_reset_token(current_app.config["SECRET_KEY"], user)
            link = external_url("accounts.reset_password", token=token)
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


SETUP_SESSION_KEY = "two_factor_setup_secret"


@bp.route("/account/two-factor", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_MANAGE)
def two_factor_setup() -> str | Response:
    """Enrol an authenticator app: scan the QR code, type one code to prove it works."""
    if current_user.has_two_factor:
        return redirect(url_for("accounts.account"))
    secret = session.get(SETUP_SESSION_KEY) or two_factor.new_secret()
    session[SETUP_SESSION_KEY] = secret  # kept in the signed session until it is proven
    form = TwoFactorEnableForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(
                db.session,
                current_user,
                secret,
                form.code.data,
                current_app.config["SECRET_KEY"],
                ip=client_ip(),
            )
        except ValidationError as error:
            db.session.rollback()
            show_validation_error(form, error)
        else:
            db.session.commit()
            session.pop(SETUP_SESSION_KEY, None)
            return _show_recovery_codes(codes, "Two-factor sign-in is on.")
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        qr_code=two_factor.qr_code_data_uri(uri),
        secret=secret,
        required=two_factor.is_required_for(current_user),
    )


def _show_recovery_codes(codes: list[str], message: str) -> Response:
    response = make_response(
        render_template("accounts/recovery_codes.html", codes=codes, message=message)
    )
    response.headers["Cache-Control"] = "no-store"  # shown once; never kept by the browser
    return response


def _password_confirmed(form: PasswordConfirmForm) -> bool:
    if form.validate_on_submit() and verify_password(
        current_user.password_hash, form.password.data
    ):
        return True
    flash("Your password is not right; nothing changed.", "error")
    return False


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@requires(Permission.ACCOUNT_MANAGE)
def new_recovery_codes() -> Response:
    form = PasswordConfirmForm()
    if not current_user.has_two_factor or not _password_confirmed(form):
        return redirect(url_for("accounts.account"))
    codes = two_factor.replace_recovery_codes(db.session, current_user)
    db.session.commit()
    return _show_recovery_codes(codes, "New recovery codes: the old ones no longer work.")


@bp.route("/account/two-factor/disable", methods=["POST"])
@requires(Permission.ACCOUNT_MANAGE)
def disable_two_factor() -> Response:
    """Turn two-factor off, or, for roles that require it, move it to a new phone."""
    form = PasswordConfirmForm()
    if current_user.has_two_factor and _password_confirmed(form):
        two_factor.disable(db.session, current_user, ip=client_ip())
        db.session.commit()
        if two_factor.is_required_for(current_user):
            flash("Scan the new code with your new phone to finish the move.", "info")
            return redirect(url_for("accounts.two_factor_setup"))
        flash("Two-factor sign-in is off.", "success")
    return redirect(url_for("accounts.account"))


ENROLMENT_ALLOWED = frozenset(
    {
        "accounts.two_factor_setup",
        "accounts.sign_out",
        "accounts.sign_in",
        "accounts.two_factor_sign_in",
    }
)


def require_two_factor_enrolment() -> Response | None:
    """``before_request`` hook: board staff and admins who have not set up two-factor
    sign-in can reach nothing but the setup page (and sign-out) until they do."""
    endpoint = request.endpoint or ""
    if (
        endpoint in ENROLMENT_ALLOWED
        or is_static_endpoint(endpoint)
        or request.blueprint == "api"  # bearer tokens, never the session
        or not current_user.is_authenticated
    ):
        return None
    if two_factor.is_required_for(current_user) and not current_user.has_two_factor:
        return redirect(url_for("accounts.two_factor_setup"))
    return None
