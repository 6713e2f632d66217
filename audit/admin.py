from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only (see the model)."""

    list_display = ["created_at", "user", "role", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type", "role"]
    search_fields = ["=object_id", "=case_id", "=newcomer_id", "=user__id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
