from django.contrib import admin

from privacy.models import DataRequest


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "newcomer_id", "received_at", "due_at", "done_at", "handled_by"]
    list_filter = ["kind"]
    raw_id_fields = ["newcomer", "handled_by"]
    readonly_fields = ["newcomer", "kind", "received_at", "due_at", "done_at"]
