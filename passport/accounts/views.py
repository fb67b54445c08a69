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

from passport.accounts import services, two_factor, user_sessions
from passport.accounts import sign_in as sign_in_checks
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
from passport.accounts.queries import user_by_email, user_by_session_id
from passport.accounts.sign_up_notices import AddressInUse, handle_existing_address_sign_up
from passport.db import utcnow
from passport.errors import ValidationError
from passport.extensions import db, limiter
from passport.forms import show_error, show_validation_error
from passport.notifications.events import security_message
from passport.notifications.services import Message
from passport.urls import external_url, local_path

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["PASSPORT_LOGIN_LIMIT"]


def _throttle_key(email: str) -> str:
    """Failures count per e-mail address and client, never per account alone: a limit
    per account would be a lock anyone could keep shut (``passport.accounts.sign_in``)."""
    return sign_in_checks.throttle_key(current_app.config["SECRET_KEY"], email, client_ip())


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        next_path = local_path(request.args.get("next"))
        try:
            user = sign_in_checks.authenticate(
                db.session,
                form.email.data,
                form.password.data,
                key=_throttle_key(form.email.data),
            )
        except sign_in_checks.SignInDelayed as delayed:
            db.session.rollback()
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


def _delay_message(delayed: sign_in_checks.SignInDelayed) -> str:
    return (
        "Too many failed attempts for this e-mail address from here. Please wait "
        f"{delayed.wait_seconds} second{'s' if delayed.wait_seconds != 1 else ''} and try again."
    )


def _start_session(user) -> None:  # noqa: ANN001 - a User
    """Sign ``user`` in to this browser with a clean session: nothing the session held
    before (another user's two-factor setup key, say) survives; the new server-side
    session is committed before the cookie names it."""
    token = user_sessions.start(db.session, user)
    user_sessions.end_expired(db.session, user, utcnow() - current_app.permanent_session_lifetime)
    db.session.commit()
    session.clear()
    session[user_sessions.SESSION_TOKEN_KEY] = token
    login_user(user)


def _complete_sign_in(user, next_path: str | None) -> Response:  # noqa: ANN001 - a User
    sign_in_checks.note_successful_sign_in(db.session, user, _throttle_key(user.email))
    _start_session(user)
    if two_factor.is_required_for(user) and not user.has_two_factor:
        flash("Your role needs two-factor sign-in. Please set it up now.", "warning")
        return redirect(url_for("accounts.two_factor_setup"))
    return redirect(next_path or url_for("home.index"))


def _pending_user():
    """The user who passed the password step in this browser, if still fresh."""
    pending = session.get(PENDING_KEY)
    if not pending or time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return user_by_session_id(pending["user"])


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
            sign_in_checks.check_not_delayed(db.session, _throttle_key(user.email))
        except sign_in_checks.SignInDelayed as delayed:
            form.form_errors.append(_delay_message(delayed))
            return render_template("accounts/two_factor_sign_in.html", form=form)
        used = two_factor.verify(db.session, user, form.code.data, current_app.config["SECRET_KEY"])
        if used is None:
            sign_in_checks.note_failed_sign_in(db.session, _throttle_key(user.email), user=user)
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
            return _complete_sign_in(user, local_path(session.get(PENDING_KEY, {}).get("next")))
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
        except AddressInUse as in_use:
            # Every other check passed; the answer is a new sign-up's, word for word, and
            # the address's owner hears of it (sign_up_notices).
            db.session.rollback()
            handle_existing_address_sign_up(
                db.session,
                in_use.user,
                password=form.password.data,
                sign_in_url=external_url("accounts.sign_in"),
                reset_url=external_url("accounts.request_reset"),
                ip_address=client_ip(),
            )
            db.session.commit()
            return _signed_up(in_use.user.email)
        except ValidationError as error:
            db.session.rollback()
            show_validation_error(form, error)
        else:
            send_confirmation(user)
            db.session.commit()
            return _signed_up(user.email)
    return render_template("accounts/sign_up.html", form=form)


def _signed_up(email: str) -> Response:
    """The one answer to a sign-up, whether the address was new or already had an
    account: no one learns which addresses have accounts by signing up with them."""
    flash(
        f"Thank you. We sent a message to {email}: open it to confirm your address, "
        "then sign in. You need a confirmed address before you link your license.",
        "success",
    )
    return redirect(url_for("accounts.sign_in"))


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out() -> Response:
    """End the session on the server (a copy of the cookie stops working) and start the
    browser on a clean one."""
    user_sessions.end(db.session, session.get(user_sessions.SESSION_TOKEN_KEY))
    db.session.commit()
    logout_user()
    session.clear()
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
            _start_session(current_user)  # a new session for this browser; the others ended
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
        if user is not None and user.is_active:
            token = services.make_reset_token(current_app.config["SECRET_KEY"], user)
            link = external_url("accounts.reset_password", token=token)
            security_message(
                db.session,
                kind="security.password_reset",
                address=user.email,
                user=user,
                secret=True,
                message=Message(
                    "Reset your Passport password",
                    "Someone asked to reset the password of your Passport account.\n\n"
                    f"To choose a new password, open this link within an hour:\n{link}\n\n"
                    "If it was not you, ignore this message; your password stays as it is.",
                ),
            )
            db.session.commit()
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
            db.session.commit()  # every session of the account ended with the old password
            logout_user()
            session.clear()
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
