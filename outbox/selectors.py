"""Reads on the outbox."""

from django.db.models import QuerySet

from outbox.models import OutboundEmail


def email_list_for_case(*, case_id: int) -> QuerySet[OutboundEmail]:
    """The case's e-mails, newest first, without bodies or addresses (the case page)."""
    return OutboundEmail.objects.filter(case_id=case_id).only(
        "pk", "kind", "status", "attempts", "created_at", "sent_at"
    )


def email_list_for_cases(*, case_ids: list[int]) -> QuerySet[OutboundEmail]:
    """Every e-mail about these cases, oldest first (a newcomer's copy of their data)."""
    return OutboundEmail.objects.filter(case_id__in=case_ids).order_by("created_at", "pk")
