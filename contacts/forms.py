"""Forms only validate and normalise; contacts.services writes."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import ModelChoiceField
from config.text import free_text_fields_clean, name_clean
from contacts.models import HouseholdMember, Newcomer
from occupations.forms import OccupationCodeField

NEWCOMER_EDITABLE_FIELDS = [
    "name",
    "email",
    "phone",
    "preferred_language",
    "lifecycle",
    "municipality",
    "locality",
    "planned_move_date",
    "moved_at",
    "target_group",
    "citizenship",
    "occupation",
    "occupation_code",
    "partner_needs_work",
    "partner_occupation",
    "interests",
    "heard_via",
]


class NewcomerForm(forms.ModelForm):
    occupation_code = OccupationCodeField(label=_("Occupation code"))

    class Meta:
        model = Newcomer
        fields = NEWCOMER_EDITABLE_FIELDS
        field_classes = {"municipality": ModelChoiceField, "locality": ModelChoiceField}
        widgets = {
            "planned_move_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "moved_at": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        citizenship = cast(forms.ChoiceField, self.fields["citizenship"])
        citizenship.choices = [("", _("Not given")), *Newcomer.Citizenship.choices]

    def clean_name(self) -> str:
        return name_clean(self.cleaned_data["name"])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email and (
            Newcomer.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError(_("Another newcomer already has this e-mail address."))
        return email

    def clean(self) -> dict:
        data = super().clean() or {}
        free_text_fields_clean(data, ["phone", "occupation", "partner_occupation", "interests"])
        municipality, locality = data.get("municipality"), data.get("locality")
        if locality and municipality and locality.municipality_id != municipality.pk:
            self.add_error("locality", _("This place is not in the municipality you chose."))
        if data.get("lifecycle") in (Newcomer.Lifecycle.ARRIVED, Newcomer.Lifecycle.SETTLED) and (
            not data.get("moved_at")
        ):
            self.add_error("moved_at", _("Give the date they moved."))
        return data


class HouseholdMemberOccupationForm(forms.ModelForm):
    """An adult household member's occupation: the free text as told, and its code."""

    occupation_code = OccupationCodeField(label=_("Occupation code"))

    class Meta:
        model = HouseholdMember
        fields = ["occupation", "occupation_code"]

    def clean(self) -> dict:
        data = super().clean() or {}
        free_text_fields_clean(data, ["occupation"])
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Portal” or “Spreadsheet export”."),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name
