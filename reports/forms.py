"""The dashboard's period and filters, read from the URL so a view can be shared."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import ModelChoiceField
from contacts.models import Municipality, Newcomer, Organisation
from occupations.forms import OccupationCodeField
from reports.periods import CUSTOM, MAX_DAYS, PERIOD_CHOICES, PeriodPair, period_pair_resolve


@dataclass(frozen=True)
class DashboardFilters:
    municipality_id: int | None = None
    organisation_id: int | None = None
    target_group: str = ""


class DashboardForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    municipality = ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        kept_as="municipalities.all",
        required=False,
        empty_label=_("All municipalities"),
    )
    organisation = ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        kept_as="organisations.all",
        required=False,
        empty_label=_("All organisations"),
    )
    target_group = forms.ChoiceField(
        label=_("Target group"),
        choices=[("", _("All target groups")), *Newcomer.TargetGroup.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" and "to" read best in a shared URL but are not Python names.
        date_input = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        for name, label in (("from", _("From (custom dates)")), ("to", _("To (custom dates)"))):
            self.fields[name] = forms.DateField(label=label, required=False, widget=date_input)
        self.order_fields(["period", "from", "to"])

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("period") == CUSTOM:
            first, last = data.get("from"), data.get("to")
            if first is None:
                self.add_error("from", _("Choose the first day."))
            if last is None:
                self.add_error("to", _("Choose the last day."))
            if first and last and first > last:
                self.add_error("to", _("The last day cannot be before the first."))
            elif first and last and (last - first).days >= MAX_DAYS:
                self.add_error("to", _("Choose at most five years."))
        return data

    def periods(self, *, today: date) -> PeriodPair:
        """The chosen periods; this month when the form is unbound or not valid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return period_pair_resolve(
            kind=data.get("period") or "",
            today=today,
            first=data.get("from"),
            last=data.get("to"),
        )

    def filters(self) -> DashboardFilters:
        """The chosen filters; none when the form is unbound or not valid."""
        if not (self.is_bound and self.is_valid()):
            return DashboardFilters()
        data = self.cleaned_data
        return DashboardFilters(
            municipality_id=data["municipality"].pk if data["municipality"] else None,
            organisation_id=data["organisation"].pk if data["organisation"] else None,
            target_group=data["target_group"] or "",
        )


class MonthForm(forms.Form):
    """?month=YYYY-MM for the monthly report."""

    month = forms.DateField(input_formats=["%Y-%m"])


class OccupationTextCodeForm(forms.Form):
    """One free text, as the list of occupations without a code shows it, and its code."""

    text = forms.CharField(max_length=200, widget=forms.HiddenInput)
    occupation_code = OccupationCodeField(label=_("Code"), required=True)
