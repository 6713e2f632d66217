from django.contrib import admin
from django.http import HttpRequest

from cases.models import Case, CaseEvent, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_nb", "name_en", "names", "position"]
    list_editable = ["position"]
    fields = ["slug", "name_nb", "name_en", "names", "position"]


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    """The timeline is an audit trail: readable here, never edited or deleted."""

    list_display = ["created_at", "case", "kind", "actor"]
    list_filter = ["kind"]
    list_select_related = ["case", "actor"]
    search_fields = ["case__reference"]
    readonly_fields = ["case", "kind", "actor", "data", "note", "followup", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CaseEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CaseEvent | None = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change through the staff screens, which write the timeline."""

    list_display = ["reference", "status", "channel", "responsible_organisation", "created_at"]
    list_filter = ["status", "channel"]
    search_fields = ["reference"]
    list_select_related = ["responsible_organisation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False
