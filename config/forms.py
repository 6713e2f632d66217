"""What every HTML form view shares."""

from functools import cached_property
from pathlib import Path

import django.forms
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.renderers import BaseRenderer
from django.forms.utils import ErrorList
from django.template import TemplateDoesNotExist
from django.template.backends.jinja2 import Jinja2
from django.template.loader import get_template


class FormRenderer(BaseRenderer):
    """Renders form fields and widgets with Jinja2: Django's own widget templates and
    templates/jinja2/django/forms/field.html (labels, help and errors). The Django
    template language renders each option of a select through its own template, which
    made the filter forms a third of a list page's time; Jinja2 compiles the same
    templates to Python. Templates that exist only for the Django template language
    (the admin's widgets) still come from the project's engines."""

    @cached_property
    def engine(self) -> Jinja2:
        return Jinja2(
            {
                "NAME": "forms",
                "APP_DIRS": False,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates" / "jinja2",
                    Path(django.forms.__file__).parent / "jinja2",
                ],
                "OPTIONS": {},
            }
        )

    def get_template(self, template_name: str):
        try:
            return self.engine.get_template(template_name)
        except TemplateDoesNotExist:
            return get_template(template_name)


def error_messages(errors: ErrorList | list[str]) -> list[str]:
    """A field's error messages. Iterating an ErrorList gives them already (its
    __getitem__ turns each ValidationError into its message); django-stubs types the items
    as ValidationError | str, so the type is settled here, once."""
    return [str(error) for error in errors]


def form_add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Puts a service's ValidationError on the form that called it: each message on its
    field when the form has one, else on the form as a whole."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class TelInput(forms.TextInput):
    """A phone number: `type=tel` gives phones their number pad. Use it with
    `autocomplete="tel"` where people type their own number (WCAG 1.3.5)."""

    input_type = "tel"
