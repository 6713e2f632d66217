from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reminders.models import Reminder, ReminderPreference
from reminders.services import reminders_retry


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "item", "recipient", "day", "due_at", "status", "sent_at"]
    list_filter = ["status", "kind"]
    date_hierarchy = "due_at"
    readonly_fields = [f.name for f in Reminder._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Retry failed reminders"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        n = reminders_retry(reminder_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(n)d reminder will be sent again.", "%(n)d reminders will be sent again.", n)
            % {"n": n},
            messages.SUCCESS,
        )


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "immediate", "digest", "digest_time", "skip_days_off"]
