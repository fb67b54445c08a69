"""The provider's form for a new API client."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from passport.api.models import ApiScope
from passport.forms import choices
from passport.reporting.forms import MultiCheckboxField


class ApiClientForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=100)],
        description="Which system will use it, e.g. “LMS production”.",
    )
    scopes = MultiCheckboxField(
        "What it may do",
        choices=choices(ApiScope.DESCRIPTIONS.items()),
        default=list(ApiScope.ALL),
    )
