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


CONTROL_CLASSES = {
    "BooleanField": "form-check-input",
    "SelectField": "form-select",
    "RadioField": "form-check-input",
    "MultiCheckboxField": "form-check-input",
}


def control_attrs(field, **extra: str | None) -> dict[str, str]:
    """The HTML attributes of a form control in Bootstrap's markup, used by the
    ``_forms.html`` macros: its class, ``is-invalid`` and ``aria-invalid`` when it has
    errors, and ``aria-describedby`` pointing at its hint and errors so screen readers
    read them with the field."""
    css_class = CONTROL_CLASSES.get(field.type, "form-control")
    attrs = {key: value for key, value in extra.items() if value}
    described = []
    if field.description:
        described.append(f"{field.id}-hint")
    if field.errors:
        css_class += " is-invalid"
        described.append(f"{field.id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    attrs["class_"] = css_class
    return attrs
