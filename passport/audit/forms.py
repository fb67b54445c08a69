"""Board forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from passport.audit.models import CASE_STATUSES
from passport.forms import choices


class SampleForm(FlaskForm):
    title = StringField("Name", validators=[Length(max=200)], description="e.g. Spring 2027 audit")
    window_starts_on = DateField("Licences expiring from", validators=[InputRequired()])
    window_ends_on = DateField("to", validators=[InputRequired()])
    size_kind = RadioField(
        "Sample size as",
        choices=choices([("count", "A number of licensees"), ("percent", "A percentage")]),
        default="count",
    )
    size_value = IntegerField("Size", validators=[InputRequired(), NumberRange(min=1)])
    seed = IntegerField(
        "Seed (optional)",
        validators=[Optional(), NumberRange(min=0, max=2**31 - 1)],
        description="Leave empty for a new random draw; enter a recorded seed to repeat one.",
    )


class VerdictForm(FlaskForm):
    status = SelectField("Verdict", choices=choices((s, s.capitalize()) for s in CASE_STATUSES))
    note = TextAreaField("Notes", validators=[Length(max=4000)])
