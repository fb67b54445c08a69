"""Physician and discrepancy forms. Rules beyond "is it there and well formed" live in the
services, which report a ``ValidationError`` on the right field."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from passport.forms import choices
from passport.reporting.forms import MultiCheckboxField


class LinkLicenseForm(FlaskForm):
    board_id = SelectField("Board", validators=[DataRequired()])
    license_number = StringField(
        "License number",
        validators=[DataRequired(), Length(max=30)],
        description="As printed on your licence, e.g. A123456 (MBC) or 20A1234 (OMBC)",
    )
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=100)])
    date_of_birth = StringField(
        "Date of birth (month and day)",
        validators=[DataRequired(), Length(max=10)],
        description="MM/DD, e.g. 04/12. We never ask for the year.",
    )


class LinkCodeForm(FlaskForm):
    code = StringField(
        "Code from the e-mail",
        validators=[DataRequired(), Length(max=20)],
        description="Six digits. The code works for 30 minutes.",
    )


class FlagForm(FlaskForm):
    kind = RadioField(
        "What is wrong?",
        choices=choices(
            [
                ("credits_wrong", "The credits are wrong"),
                ("date_wrong", "The date is wrong"),
                ("not_mine", "This is not my record"),
            ]
        ),
        validators=[InputRequired(message="Choose what is wrong.")],
    )
    credits = DecimalField(
        "The right number of credits",
        places=2,
        validators=[Optional()],
        description="Only if the credits are wrong. Quarter-hour steps, e.g. 1.25",
    )
    completed_on = DateField(
        "The right completion date",
        validators=[Optional()],
        description="Only if the date is wrong.",
    )
    note = TextAreaField(
        "Note to the provider",
        validators=[Length(max=4000)],
        description="Anything that helps the provider check, e.g. your certificate number.",
    )


class FindActivityForm(FlaskForm):
    """A GET search: no CSRF token needed, nothing changes."""

    class Meta:
        csrf = False

    provider = StringField("Provider name or ACCME ID", validators=[Length(max=100)])
    activity = StringField("Activity ID or title", validators=[Length(max=100)])


class MissingForm(FlaskForm):
    activity_id = HiddenField(validators=[DataRequired()])
    link_id = SelectField("Licence", validators=[DataRequired()])
    completed_on = DateField("Completion date", validators=[InputRequired()])
    credits = DecimalField(
        "Credits claimed",
        places=2,
        validators=[InputRequired()],
        description="Quarter-hour steps, e.g. 1.25",
    )
    note = TextAreaField("Note to the provider", validators=[Length(max=4000)])


class MessageForm(FlaskForm):
    body = TextAreaField("Message", validators=[DataRequired(), Length(max=4000)])


class DeclineForm(FlaskForm):
    """Its own label, so the page's two text boxes are told apart by ear as well as by eye."""

    body = TextAreaField("Why you decline", validators=[DataRequired(), Length(max=4000)])


class OptionalMessageForm(FlaskForm):
    body = TextAreaField("Note (optional)", validators=[Length(max=4000)])


class CorrectionForm(FlaskForm):
    """The provider's corrected record; a delete needs no values."""

    completed_on = DateField("Completion date", validators=[Optional()])
    credits = DecimalField("Credits", places=2, validators=[Optional()])
    credit_type_code = SelectField("Credit type", validators=[Optional()])
    delete = BooleanField("Delete the record: this learner did not complete the activity")
    note = TextAreaField("Note to the physician", validators=[Length(max=4000)])


class SelfReportForm(FlaskForm):
    title = StringField("Activity title", validators=[DataRequired(), Length(max=300)])
    provider_name = StringField("Provided by", validators=[DataRequired(), Length(max=200)])
    completed_on = DateField("Completion date", validators=[InputRequired()])
    credits = DecimalField(
        "Credits", places=2, validators=[InputRequired()], description="Quarter-hour steps"
    )
    credit_type_code = SelectField("Credit type", validators=[DataRequired()])
    topic_codes = MultiCheckboxField("Topics", validators=[Optional()])
    certificate = FileField(
        "Certificate",
        validators=[FileRequired(message="Attach the certificate.")],
        description="PDF, PNG or JPEG, at most 10 MB.",
    )
