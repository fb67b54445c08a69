"""Board forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from passport.audit.models import CASE_STATUSES
from passport.forms import choices
from passport.reporting.forms import MultiCheckboxField


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


class BulkVerdictForm(FlaskForm):
    """One verdict for the cases ticked in the sample's table (``case_id``, many)."""

    case_id = SelectMultipleField("Cases", coerce=int, validate_choice=False)
    status = SelectField("Verdict", choices=choices((s, s.capitalize()) for s in CASE_STATUSES))
    note = TextAreaField(
        "Notes (optional)",
        validators=[Length(max=4000)],
        description="Replaces each selected case's notes; leave empty to keep them.",
    )


class DocumentationRequestForm(FlaskForm):
    rule_ids = MultiCheckboxField("Requirements to document", choices=[])
    message = TextAreaField(
        "Message to the licensee",
        validators=[Length(max=4000)],
        description="The physician reads it with the request, e.g. what a certificate must show.",
    )


class DocumentDecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=choices([("accepted", "Accept"), ("rejected", "Reject")]),
        validators=[InputRequired(message="Accept or reject the document.")],
    )
    reason = TextAreaField(
        "Reason",
        validators=[Length(max=4000)],
        description="Required to reject; the physician reads it.",
    )


class DocumentUploadForm(FlaskForm):
    certificate = FileField(
        "Certificate",
        validators=[FileRequired(message="Attach the certificate.")],
        description="PDF, PNG or JPEG, at most 10 MB.",
    )
