"""Account forms (Flask-WTF: every one carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, Regexp

from passport.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

_password_length = Length(
    min=MIN_PASSWORD_LENGTH,
    max=MAX_PASSWORD_LENGTH,
    message=f"Use at least {MIN_PASSWORD_LENGTH} characters.",
)


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )


class SignUpForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    first_name = StringField("First name", validators=[DataRequired(), Length(max=100)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=100)])
    password = PasswordField(
        "Password",
        validators=[DataRequired(), _password_length],
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words work well.",
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), _password_length])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords do not match.")],
    )


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField("New password", validators=[DataRequired(), _password_length])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords do not match.")],
    )


class TwoFactorCodeForm(FlaskForm):
    code = StringField(
        "Code",
        description="The 6-digit code your authenticator app shows now, or one of your "
        "recovery codes.",
        validators=[DataRequired(), Length(max=20)],
    )


class TwoFactorEnableForm(FlaskForm):
    code = StringField(
        "Code from your app",
        description="After scanning, your app shows a 6-digit code that changes every 30 s.",
        validators=[DataRequired(), Length(max=20)],
    )


class PasswordConfirmForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired()])


class InvitationForm(FlaskForm):
    """Invite a person. Whose staff they join comes in hidden fields, and the service
    checks the inviter may manage that board or provider (403 otherwise)."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    first_name = StringField("First name", validators=[DataRequired(), Length(max=100)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=100)])
    staff_admin = BooleanField("Staff administrator: may invite and manage colleagues")
    role = HiddenField(validators=[InputRequired(), Regexp(r"^(provider|board|admin)$")])
    board_id = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,9}$")])
    provider_id = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,9}$")])
    next = HiddenField()


class StaffActionForm(FlaskForm):
    """A button that changes one account or invitation (disable, resend ...), with the
    page to return to."""

    next = HiddenField()


class StaffAdminForm(StaffActionForm):
    staff_admin = HiddenField(validators=[InputRequired(), Regexp(r"^[01]$")])
