"""Reads on conversations. Which case a user may see is cases.selectors' one rule; these
take a case already fetched through it."""

from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, QuerySet, Value, When
from django.http import Http404

from cases.models import Case
from conversations.models import CaseMessage, CaseMessageAttachment, ReplyTemplate


def message_list_for_case(*, case: Case) -> QuerySet[CaseMessage]:
    """The case's messages, newest first, with what the timeline and the API show."""
    return (
        CaseMessage.objects.filter(case=case)
        .select_related("author", "email")
        .prefetch_related("attachments")
        .order_by("-created_at", "-pk")
    )


def message_in_bulk(*, ids: set[int], case_ids: set[int]) -> dict[int, CaseMessage]:
    """Messages by id for a page of timeline events (with their outbox row, and the
    InboundEmail row that counts refused attachments), in one query plus one for all their
    attachments. Limited to the events' cases, so an event cannot show another case's
    message."""
    if not ids:
        return {}
    return {
        message.pk: message
        for message in CaseMessage.objects.filter(pk__in=ids, case_id__in=case_ids)
        .select_related("email", "inbound")
        .prefetch_related("attachments")
    }


def get_attachment_for_case(*, case: Case, pk: int) -> CaseMessageAttachment:
    """An attachment of a message on this (already visible) case; any other is a 404."""
    try:
        return CaseMessageAttachment.objects.get(pk=pk, message__case=case)
    except (CaseMessageAttachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def reply_template_list_for_language(*, language: str) -> QuerySet[ReplyTemplate]:
    """Templates in use, those in `language` first, then the others by language and name."""
    return (
        ReplyTemplate.objects.filter(is_active=True)
        .annotate(
            other_language=CaseWhen(
                When(language=language, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("other_language", "language", "name")
    )


def reply_template_list() -> QuerySet[ReplyTemplate]:
    """Every template, in use or not, for the coordinators' list."""
    return ReplyTemplate.objects.select_related("updated_by").order_by(
        "-is_active", "name", "language"
    )
