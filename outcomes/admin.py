from django.contrib import admin

from outcomes.models import CheckIn, CheckInSchedule


@admin.register(CheckInSchedule)
class CheckInScheduleAdmin(admin.ModelAdmin):
    list_display = ["template", "months"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["pk", "months", "due_date", "status", "invited_at", "reminded_at"]
    list_filter = ["status", "months"]
    readonly_fields = [f.name for f in CheckIn._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
