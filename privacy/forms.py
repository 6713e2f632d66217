from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import DataRequest


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the newcomer's personal data is erased for good."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("For example: “Erasure requested by e-mail on 3 March”. No personal data."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self) -> str:
        return " ".join(self.cleaned_data["reason"].split())


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DataRequest.Kind.choices)
    received_at = forms.DateTimeField(
        label=_("Received"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("The answer is due one month later."),
    )
    reason = forms.CharField(label=_("Note"), max_length=500, required=False)


class AccessLogFilter(forms.Form):
    user = forms.IntegerField(required=False, min_value=1)
    case = forms.IntegerField(required=False, min_value=1)
