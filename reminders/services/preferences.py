"""Staff's reminder preferences and the admin's retry of failed rows."""

from datetime import time
from typing import Any

from django.utils import timezone

from reminders.models import Reminder, ReminderPreference


def reminder_preference_update(
    *, user: Any, immediate: bool, digest: bool, digest_time: time, skip_days_off: bool
) -> ReminderPreference:
    preference, _created = ReminderPreference.objects.get_or_create(user=user)
    preference.immediate = immediate
    preference.digest = digest
    preference.digest_time = digest_time
    preference.skip_days_off = skip_days_off
    preference.full_clean()
    preference.save()
    return preference


def reminders_retry(*, reminder_ids: list[int]) -> int:
    """Admin: failed rows become pending again (due now) for the next sweep."""
    return Reminder.objects.filter(pk__in=reminder_ids, status=Reminder.Status.FAILED).update(
        status=Reminder.Status.PENDING, due_at=timezone.now(), last_error=""
    )
