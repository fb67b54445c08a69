"""Administrators' forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp


class ClearIdentityChecksForm(FlaskForm):
    """Forget one provider's held identity checks for one licensee (the button in a row)."""

    provider_id = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])
    licensee_id = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9]{1,9}$")])
