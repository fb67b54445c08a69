"""Provider forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from passport.forms import choices
from passport.reporting.models import ACTIVITY_TYPES

CONSENT_CHOICES = choices(
    [
        ("activity", "For this activity"),
        ("year", "For a year"),
        ("until_withdrawn", "Until withdrawn"),
    ]
)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActivityForm(FlaskForm):
    activity_code = StringField("Activity ID", validators=[DataRequired(), Length(max=50)])
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    activity_type = SelectField("Type", choices=choices(ACTIVITY_TYPES.items()))
    starts_on = DateField("Start date", validators=[InputRequired()])
    ends_on = DateField("End date", validators=[InputRequired()])
    max_credits = DecimalField(
        "Maximum credits",
        places=2,
        validators=[InputRequired()],
        description="In quarter-hour steps, e.g. 1.25",
    )
    credit_type_codes = MultiCheckboxField("Credit types", validators=[DataRequired()])
    topic_codes = MultiCheckboxField("Topics", validators=[Optional()])
    declaration_codes = MultiCheckboxField(
        "The content", validators=[Optional()], description="What boards ask a course to cover."
    )


class CompletionForm(FlaskForm):
    """One learner, the same fields as a row of the Excel template."""

    record_action = SelectField(
        "Record action", choices=choices([("Add", "Add"), ("Delete", "Delete")])
    )
    activity_id = SelectField("Activity", validators=[DataRequired()])
    completion_date = StringField("Completion date", description="MM/DD/YYYY")
    first_name = StringField("First name", validators=[Length(max=100)])
    last_name = StringField("Last name", validators=[Length(max=100)])
    date_of_birth = StringField("Date of birth (month and day)", description="MM/DD, e.g. 04/12")
    licensing_state = StringField("Licensing state", default="CA", validators=[Length(max=2)])
    license_or_npi = StringField("Licence number or NPI", description="e.g. A123456, 20A12345")
    credits = StringField("Credits", description="In quarter-hour steps, e.g. 1.25")
    credit_type = SelectField("Credit type")
    permission_scope = SelectField(
        "The learner's permission to report lasts", choices=CONSENT_CHOICES
    )
    permission_attested = BooleanField(
        "I confirm the learner has given permission to report this completion.",
        validators=[DataRequired(message="Please confirm the learner's permission.")],
    )


class UploadForm(FlaskForm):
    file = FileField(
        "File (.xlsx, .csv or .xml)",
        validators=[
            FileRequired(),
            FileAllowed(["xlsx", "csv", "xml"], "Use .xlsx, .csv or .xml."),
        ],
    )
    permission_scope = SelectField(
        "Learners' permission to report lasts", choices=CONSENT_CHOICES, default="year"
    )
    permission_attested = BooleanField(
        "I confirm every learner in this file has given permission to report (rows may "
        "also say so in a Permission to Report column).",
    )


class IdentityForm(FlaskForm):
    first_name = StringField("First name", validators=[Length(max=100)])
    last_name = StringField("Last name", validators=[Length(max=100)])
    date_of_birth = StringField("Date of birth (month and day)", description="MM/DD")
    licensing_state = StringField("Licensing state", validators=[Length(max=2)])
    license_or_npi = StringField("Licence number or NPI")


class LearnerFileForm(FlaskForm):
    file = FileField(
        "Learner list (.xlsx or .csv)",
        validators=[FileRequired(), FileAllowed(["xlsx", "csv"], "Use .xlsx or .csv.")],
        description="Columns: First Name, Last Name, Date of Birth (MM/DD), Licensing State, "
        "Licensing ID or NPI.",
    )


class ActivityFileForm(FlaskForm):
    file = FileField(
        "Activities (.xlsx)",
        validators=[FileRequired(), FileAllowed(["xlsx"], "Use an .xlsx file.")],
        description="Columns: Activity ID, Title, Type, Start Date, End Date, Maximum Credits, "
        "Credit Types, Topics (comma-separated).",
    )
