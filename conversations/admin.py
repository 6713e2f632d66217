"""Read-only views for administrators. Messages and incoming mail change only through
conversations' services; reply templates are kept on /conversations/templates/, whose
service checks their placeholders, and are deactivated there rather than deleted. The
mailbox status is written by the poll alone."""

from django.contrib import admin
from django.http import HttpRequest

from conversations.models import (
    CaseMessage,
    CaseMessageAttachment,
    InboundEmail,
    MailboxStatus,
    ReplyTemplate,
)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(_ReadOnly):
    list_display = ["name", "language", "is_active", "updated_at", "updated_by"]
    list_filter = ["language", "is_active"]
    list_select_related = ["updated_by"]
    search_fields = ["name"]


class CaseMessageAttachmentInline(admin.TabularInline):
    model = CaseMessageAttachment
    fields = ("filename", "mimetype", "size")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CaseMessage)
class CaseMessageAdmin(_ReadOnly):
    # No sender or text in the list: the case page shows them to those who may see the case.
    list_display = ["created_at", "case", "direction", "sender_known", "author"]
    list_filter = ["direction", "sender_known"]
    list_select_related = ["case", "author"]
    search_fields = ["case__reference", "message_id"]
    inlines = [CaseMessageAttachmentInline]


@admin.register(InboundEmail)
class InboundEmailAdmin(_ReadOnly):
    list_display = ["processed_at", "outcome", "case", "attachments_refused", "message_id"]
    # Outcome "bounce" with no case: delivery reports tied to none of our e-mails.
    list_filter = ["outcome", ("case", admin.EmptyFieldListFilter)]
    list_select_related = ["case"]
    search_fields = ["message_id", "case__reference"]


@admin.register(MailboxStatus)
class MailboxStatusAdmin(_ReadOnly):
    list_display = [
        "folder",
        "last_attempt_at",
        "last_success_at",
        "waiting_for_a_person",
        "last_error",
    ]
