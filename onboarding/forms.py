"""Forms only validate and normalise; onboarding.services writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import StaffChoiceField
from config.forms import ModelChoiceField
from contacts.models import Organisation
from onboarding.models import OnboardingTemplate, TemplateStep

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanStartForm(forms.Form):
    template = ModelChoiceField(
        label=_("Template"), queryset=OnboardingTemplate.objects.filter(is_active=True)
    )
    move_date = forms.DateField(label=_("Move date (planned or actual)"), widget=DATE)
    from_abroad = forms.BooleanField(label=_("Moving from abroad"), required=False)
    eu_eea = forms.BooleanField(label=_("EU/EEA or Nordic citizen"), required=False)
    nordic = forms.BooleanField(
        label=_("Nordic citizen"),
        required=False,
        help_text=_("Nordic citizens do not register with the police; they only report the move."),
    )
    long_stay = forms.BooleanField(
        label=_("Staying 6 months or more"), required=False, initial=True
    )
    importing_car = forms.BooleanField(label=_("Bringing a car"), required=False)


class MoveDateForm(forms.Form):
    move_date = forms.DateField(label=_("New move date"), widget=DATE)


class StepSkipForm(forms.Form):
    reason = forms.CharField(label=_("Why is it skipped?"), max_length=300)


class StepReassignForm(forms.Form):
    organisation = ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        kept_as="organisations.active",
        required=False,
        empty_label=_("None"),
    )
    assignee = StaffChoiceField(label=_("Person"), required=False)


class StepAddForm(forms.Form):
    title = forms.CharField(label=_("Step"), max_length=200)
    due_date = forms.DateField(label=_("Due"), widget=DATE)
    doer = forms.ChoiceField(
        label=_("Who does it"), choices=TemplateStep.Doer.choices, initial=TemplateStep.Doer.TEAM
    )
