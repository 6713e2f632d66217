"""Forms of the recruitment-need screens and the API: they only validate."""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from config.forms import ModelChoiceField
from contacts.models import Locality, Municipality, Organisation
from jobs.models import NeedSuggestion, NorwegianLevel, RecruitmentNeed
from jobs.selectors import employers_for_user
from occupations.forms import OccupationCodeField
from occupations.models import Occupation


class NeedForm(forms.Form):
    # The employers the user may record for (__init__).
    employer = ModelChoiceField(label=_("Employer"), queryset=Organisation.objects.none())
    # The code picker (a datalist searched as staff type), as on the newcomer's form.
    occupation = OccupationCodeField(
        label=_("Occupation"),
        required=True,
        # The unit and minor groups (services refuse anything wider).
        queryset=Occupation.objects.filter(level__gte=3).order_by("code"),
        help_text=_("The ISCO-08 / STYRK-08 group: the unit group where you can."),
    )
    # Not required: absent means one position and no Norwegian needed (the model's
    # defaults), so the API's schema, which marks them optional, tells the truth.
    positions = forms.IntegerField(
        label=_("Positions"), min_value=1, max_value=999, initial=1, required=False
    )
    municipality = ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), kept_as="municipalities.all"
    )
    locality = ModelChoiceField(
        label=_("Locality"),
        queryset=Locality.objects.select_related("municipality"),
        kept_as="localities.all",
        required=False,
    )
    norwegian_level = forms.ChoiceField(
        label=_("Norwegian needed"),
        choices=NorwegianLevel.choices,
        initial=NorwegianLevel.NONE,
        required=False,
    )
    starts_on = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.DateField(
        label=_("Application deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        employers = employers_for_user(user=user)
        employer_field = self.fields["employer"]
        assert isinstance(employer_field, forms.ModelChoiceField)  # noqa: S101 (for mypy)
        employer_field.queryset = employers
        if editing:
            # The employer of a need does not change: a need elsewhere is a new need.
            del self.fields["employer"]
        elif len(employers) == 1:
            employer_field.initial = employers[0].pk

    def clean_positions(self) -> int:
        return self.cleaned_data.get("positions") or 1

    def clean_norwegian_level(self) -> str:
        return self.cleaned_data.get("norwegian_level") or NorwegianLevel.NONE

    @staticmethod
    def initial_for(need: RecruitmentNeed) -> dict[str, Any]:
        return {
            "occupation": need.occupation_id,
            "positions": need.positions,
            "municipality": need.municipality_id,
            "locality": need.locality_id,
            "norwegian_level": need.norwegian_level,
            "starts_on": need.starts_on,
            "deadline": need.deadline,
            "contact_name": need.contact_name,
            "contact_phone": need.contact_phone,
            "contact_email": need.contact_email,
        }


class NeedCloseForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Close as"),
        choices=[
            (RecruitmentNeed.State.FILLED, RecruitmentNeed.State.FILLED.label),
            (RecruitmentNeed.State.WITHDRAWN, RecruitmentNeed.State.WITHDRAWN.label),
        ],
    )


class SuggestForm(forms.Form):
    case = forms.IntegerField(min_value=1)
    person = forms.ChoiceField(choices=NeedSuggestion.Person.choices)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (NeedSuggestion.Outcome.PLACED, NeedSuggestion.Outcome.PLACED.label),
            (NeedSuggestion.Outcome.DECLINED, NeedSuggestion.Outcome.DECLINED.label),
        ]
    )
