"""Reads for the privacy screens: data requests and the newcomers due for anonymisation.
The access log's reads are the audit app's (audit.selectors)."""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.models import Case
from contacts.models import Newcomer
from privacy.models import DataRequest


def data_request_list() -> QuerySet[DataRequest]:
    """Open requests first, by due date (the overdue ones at the top), then done ones."""
    return DataRequest.objects.select_related("handled_by").order_by("done_at", "due_at", "-pk")


def data_request_overdue(*, now: datetime) -> QuerySet[DataRequest]:
    return DataRequest.objects.filter(done_at=None, due_at__lt=now)


def newcomers_due_for_retention(*, cutoff: datetime) -> QuerySet[Newcomer]:
    """Newcomers not yet erased, recorded before the cutoff, none of whose cases is open
    or was closed after the cutoff."""
    recent_or_open = Case.objects.filter(newcomer_id=OuterRef("pk")).filter(
        ~Q(status=Case.Status.CLOSED) | Q(closed_at__gt=cutoff)
    )
    return (
        Newcomer.objects.filter(erased_at=None, created_at__lt=cutoff)
        .filter(~Exists(recent_or_open))
        .order_by("pk")
    )


def staff_user_get(*, pk: Any) -> Any:
    return get_user_model().objects.filter(pk=pk).first()
