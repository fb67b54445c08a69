"""The form that creates a share link."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length


class ShareForm(FlaskForm):
    link_id = SelectField("License", validators=[DataRequired()])
    recipient = StringField(
        "Who it is for",
        validators=[DataRequired(), Length(max=120)],
        description="Shown only to you, in the list of your links.",
    )
    starts_on = DateField("Credits from", validators=[DataRequired()])
    ends_on = DateField("Credits to", validators=[DataRequired()])
    expires_on = DateField(
        "The link works until", validators=[DataRequired()], description="At most a year."
    )
