"""Forms of the newcomer's own page: they only validate and normalise."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config.forms import TelInput
from config.languages import LanguageSelect
from config.text import free_text_clean


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message to the team"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The team answers by e-mail or phone. Do not send passwords or ID numbers."),
        error_messages={"required": _("Write a message.")},
    )

    def clean_body(self) -> str:
        return free_text_clean(self.cleaned_data["body"])


class DetailsForm(forms.Form):
    """Move date and contact details; the move date is left out once they have moved."""

    planned_move_date = forms.DateField(
        label=_("Planned move date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Your plan's dates move with it."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for e-mails and this page"),
        choices=settings.LANGUAGES,
        widget=LanguageSelect,
    )

    def __init__(self, *args: Any, moved: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if moved:
            del self.fields["planned_move_date"]

    def clean_phone(self) -> str:
        return " ".join(free_text_clean(self.cleaned_data["phone"]).split())


class LinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The address you gave when you contacted us."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
