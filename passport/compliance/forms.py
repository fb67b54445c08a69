"""Forms for requirements on file: the board's record, its decision, a physician's
attestation with a certificate."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from passport.forms import choices


class OnFileForm(FlaskForm):
    rule_id = SelectField("Requirement", validators=[DataRequired()])
    satisfied_on = DateField("Date it was met", validators=[Optional()])
    reason = TextAreaField(
        "How the board knows",
        validators=[DataRequired(), Length(max=2000)],
        description="For example: certificate seen at the 2015 renewal.",
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=choices([("accept", "Accept"), ("reject", "Reject")]),
        validators=[InputRequired()],
    )
    reason = TextAreaField(
        "Reason (needed to reject; the physician reads it)",
        validators=[Length(max=2000)],
    )


class AttestationForm(FlaskForm):
    satisfied_on = DateField("Date you completed it", validators=[DataRequired()])
    certificate = FileField(
        "Certificate (PDF, PNG or JPEG, up to 10 MB)", validators=[FileRequired()]
    )
