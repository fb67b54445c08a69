"""Forms of the notification pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from passport.forms import choices
from passport.notifications.models import TOPICS


class PreferencesForm(FlaskForm):
    topics = SelectMultipleField(
        "E-mail me about",
        choices=choices(TOPICS.items()),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )
