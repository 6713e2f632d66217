import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import ModelChoiceField
from config.text import ascii_int
from contacts.models import Membership, Organisation


class OtpTokenForm(forms.Form):
    """A six-digit code from the app, or a backup code (letters and digits)."""

    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The six digits your authenticator app shows now, or one backup code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip().replace(" ", "").lower()
        # ASCII only: "²³⁴".isdigit() is true, and the code check would then fail on int().
        if not re.fullmatch(r"[a-z0-9]+", token):
            raise forms.ValidationError(
                _("Enter the code with the digits 0-9 (and, for a backup code, letters a-z).")
            )
        return token


class TotpSetupForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=6,
        min_length=6,
        help_text=_("Six digits."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if ascii_int(token) is None:  # "²⁰²⁰⁰⁰".isdigit() is true, but int() refuses it
            raise forms.ValidationError(_("Enter the six digits the app shows."))
        return token


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    organisation: "forms.ModelChoiceField[Organisation]" = ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)  # noqa: S101
        organisation.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])


class MembershipForm(forms.Form):
    organisation: "forms.ModelChoiceField[Organisation]" = ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)  # noqa: S101
        organisation.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            organisation.initial = organisations[0].pk
