"""Reads on the outbox."""

from django.db.models import QuerySet

from cases.models import Case
from outbox.models import OutboundEmail


def email_list_for_case(*, case: Case) -> QuerySet[OutboundEmail]:
    """The case's e-mails, newest first, without bodies or addresses (the case page)."""
    return OutboundEmail.objects.filter(case=case).only(
        "pk", "kind", "status", "attempts", "created_at", "sent_at"
    )
