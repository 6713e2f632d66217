"""Forms for the composer and the reply templates. They validate and normalise; the rules
that matter everywhere (placeholders, who may send) are the services'."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from conversations.services import MESSAGE_MAX_LENGTH


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the newcomer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    then_wait = forms.BooleanField(
        label=_("Set the case to waiting for the newcomer"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the case page also has the note form, whose text field is "body" too.
        kwargs.setdefault("auto_id", "message_%s")
        super().__init__(*args, **kwargs)

    def clean_body(self) -> str:
        # Browsers post line ends as CRLF; the message is stored and mailed with LF.
        body = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        if not body:
            raise forms.ValidationError(_("Write a message first."))
        return body


class ReplyTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    body = forms.CharField(
        label=_("Text"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "You can use {first_name}, {name}, {reference}, {owner_name}, {move_date} and "
            "{team}: they are filled in from the case."
        ),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the template a name."))
        return name

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write the template's text."))
        return body
