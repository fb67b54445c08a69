"""Form helpers every feature uses: choices, and showing a domain error on its field."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from passport.errors import ValidationError


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def show_error(form: FlaskForm, message: str, field_name: str | None = None) -> None:
    """Show ``message`` beside the named field, or at the top of the form."""
    field = getattr(form, field_name, None) if field_name else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def show_validation_error(form: FlaskForm, error: ValidationError) -> None:
    show_error(form, str(error), error.field)
