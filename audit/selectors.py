"""Reads of the access log: per case, per user, per newcomer, and the newest rows."""

from django.db.models import QuerySet

from audit.models import AccessLogEntry


def access_log_for_case(*, case_id: int) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(case_id=case_id).select_related("user")


def access_log_for_user(*, user_id: int) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(user_id=user_id).select_related("user")


def access_log_for_newcomer(*, newcomer_id: int) -> QuerySet[AccessLogEntry]:
    """Oldest first: the order a data subject's copy lists who saw their data."""
    return (
        AccessLogEntry.objects.filter(newcomer_id=newcomer_id)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def access_log_recent() -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.select_related("user")
