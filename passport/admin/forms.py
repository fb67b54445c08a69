"""Administrators' forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp


class MoveLinkForm(FlaskForm):
    """Give a contested license to the account that claimed it (a button in a row)."""

    licensee_id = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])
    user_id = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])


class ClearIdentityChecksForm(FlaskForm):
    """Forget one provider's held identity checks for one licensee (the button in a row)."""

    provider_id = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])
    licensee_id = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])
