"""What every HTML form view shares."""

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import BaseRenderer
from django.forms.utils import ErrorList
from django.template import TemplateDoesNotExist
from django.template.backends.jinja2 import Jinja2
from django.template.loader import get_template

from config.pickers import picker_rows


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


class ChoicesReadAtOnce(ModelChoiceIterator):
    """A picker's rows read by one plain query when the field is drawn, or kept between
    requests when the field names them (`kept_as`, config.pickers). Django's iterator
    reads them with `QuerySet.iterator()`, which on PostgreSQL opens a server-side cursor
    (DECLARE, FETCH and CLOSE: three round trips) to stream what is a few dozen rows here;
    the case list's five pickers took about 3 of its 30 ms that way (docs/benchmarks.md).
    Fields whose rows could be many (occupation codes) are typed, not picked, and keep
    Django's field."""

    def __init__(self, field: Any) -> None:
        super().__init__(field)
        self._rows: list[tuple[Any, Any]] | None = None

    def _read(self) -> list[tuple[Any, Any]]:
        # A copy of the queryset: the field's keeps no rows.
        return [self.choice(obj) for obj in self.queryset.all()]

    def _kept(self) -> list[tuple[Any, Any]]:
        field = self.field
        # The value as a form posts it back, and the label in the active language.
        return [
            (field.prepare_value(obj), field.label_from_instance(obj))
            for obj in self.queryset.all()
        ]

    def rows(self) -> list[tuple[Any, Any]]:
        if self._rows is None:
            name = getattr(self.field, "kept_as", None)
            self._rows = picker_rows(name, self._kept) if name else self._read()
        return self._rows

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.rows()

    def __len__(self) -> int:
        return len(self.rows()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        return len(self) > 0


class _KeptChoices:
    """`kept_as`: the name under which config.pickers keeps the field's rows. Only for a
    queryset that is the same for everyone (every organisation, every topic...), with
    labels that depend on nothing but the row and the language. Narrowing the queryset
    later (a form's __init__ setting `field.queryset`) stops keeping it."""

    kept_as: str | None

    def __init__(self, *args: Any, kept_as: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept_as = kept_as

    def _get_queryset(self) -> Any:
        return self._queryset  # type: ignore[attr-defined]

    def _set_queryset(self, queryset: Any) -> None:
        forms.ModelChoiceField._set_queryset(self, queryset)  # type: ignore[attr-defined]
        self.kept_as = None

    queryset = property(_get_queryset, _set_queryset)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        # Each form copies its fields, and Django's copy sets the queryset anew.
        result = super().__deepcopy__(memo)  # type: ignore[misc]
        result.kept_as = self.kept_as
        return result


class ModelChoiceField(_KeptChoices, forms.ModelChoiceField):
    """The project's picker of one row (see ChoicesReadAtOnce)."""

    iterator = ChoicesReadAtOnce


class ModelMultipleChoiceField(_KeptChoices, forms.ModelMultipleChoiceField):
    """The project's picker of several rows (see ChoicesReadAtOnce)."""

    iterator = ChoicesReadAtOnce


class _FilterChoices(django_filters.fields.ModelChoiceIterator, ChoicesReadAtOnce):
    """django-filter's choices (its null choice, when a filter has one) read at once."""


class _FilterChoiceField(_KeptChoices, django_filters.fields.ModelChoiceField):
    iterator = _FilterChoices


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """The project's filter by one row: its picker reads its rows at once, or keeps them
    (`kept_as=...`, passed on to the field as django-filter does with its arguments)."""

    field_class = _FilterChoiceField


class TelInput(forms.TextInput):
    """A phone number: `type=tel` gives phones their number pad. Use it with
    `autocomplete="tel"` where people type their own number (WCAG 1.3.5)."""

    input_type = "tel"
