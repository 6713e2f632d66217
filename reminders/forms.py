from django import forms
from django.utils.translation import gettext_lazy as _

from reminders.models import ReminderPreference


class ReminderPreferenceForm(forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = ["immediate", "digest", "digest_time", "skip_days_off"]
        widgets = {"digest_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            "digest_time": _("Your overdue and due items and new cases, once a day."),
        }
