"""What every HTML form view shares."""

from django import forms
from django.core.exceptions import ValidationError


def form_add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Puts a service's ValidationError on the form that called it: each message on its
    field when the form has one, else on the form as a whole."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
