"""A form field for an occupation code, for every form that codes occupations."""

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from occupations.models import Occupation


class OccupationCodeInput(forms.TextInput):
    """A text input holding "code title". Without JavaScript staff type the code (or pick
    what the page listed); static/js/tilflytt.js fills the browser's own suggestion list
    (a <datalist>, keyboard accessible) from occupations:search as they type a word."""

    template_name = "occupations/_code_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"autocomplete": "off", "spellcheck": "false", "class": "occupation-code"}
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["list"] = f"{widget_attrs.get('id', name)}-options"
        widget_attrs["data-occupation-search"] = reverse_lazy("occupations:search")
        return context

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Occupation):
            return f"{value.code} {value.title()}"
        if value and not isinstance(value, str):
            value = str(value)
        occupation = Occupation.objects.filter(code=value).first() if value else None
        return f"{occupation.code} {occupation.title()}" if occupation else value


class OccupationCodeField(forms.ModelChoiceField):
    """Takes "7411", "7411 Elektrikere" or an empty value; the code is what counts."""

    widget = OccupationCodeInput
    default_error_messages = {
        "invalid_choice": _("No occupation has this code. Type a word to search, or a code."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Occupation.objects.all())
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("ISCO-08/STYRK-08 code: type a word (e.g. “sykepleier”) or the code (e.g. 2223)."),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Occupation | None:
        if isinstance(value, str):
            value = value.strip().split(" ", 1)[0]
        return super().to_python(value)
