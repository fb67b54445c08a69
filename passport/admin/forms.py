"""Administrators' forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp


class MoveLinkForm(FlaskForm):
    """Give a contested license to the account that claimed it (a button in a row)."""

    licensee_id = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])
    user_id = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])


class ClearIdentityChecksForm(FlaskForm):
    """Forget one provider's held identity checks for one licensee (the button in a row)."""

    provider_id = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])
    licensee_id = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])


class BoardForm(FlaskForm):
    """A board's details; ``boards._checked`` checks them again (codes, the pattern)."""

    code = StringField(
        "Board code",
        validators=[DataRequired(), Length(max=20)],
        description="The state and a short name, e.g. CA-MBC. Providers' files name it.",
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    state = StringField("State", validators=[DataRequired(), Length(min=2, max=2)])
    requirement_set = SelectField(
        "Requirement set",
        validate_choice=True,
        description="The relicensure rules its licensees are audited against.",
    )
    reporting_began_on = DateField(
        "Reporting began on (correction)",
        validators=[Optional()],
        description="Leave empty to use the requirement set's date. Changing it "
        "re-evaluates every licensee's standing.",
    )
    license_pattern = StringField(
        "License number pattern",
        validators=[DataRequired(), Length(max=100)],
        description="A regular expression every license number of the board matches, "
        r"e.g. (A|C|G)[0-9]{5,6}.",
    )
    license_example = StringField(
        "Example license number", validators=[DataRequired(), Length(max=20)]
    )


class ProviderForm(FlaskForm):
    accme_id = StringField("ACCME provider ID", validators=[DataRequired(), Length(max=20)])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    contact_name = StringField("Contact name", validators=[Optional(), Length(max=200)])
    contact_email = EmailField("Contact e-mail", validators=[Optional(), Length(max=254)])
    contact_phone = StringField("Contact phone", validators=[Optional(), Length(max=40)])


class ActiveForm(FlaskForm):
    """Deactivate or reactivate a board or provider (the button in its confirmation)."""

    active = HiddenField(validators=[InputRequired(), Regexp(r"^[01]$")])
