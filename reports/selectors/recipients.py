"""Who gets the monthly report."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from contacts.models import Membership


def monthly_report_recipients() -> QuerySet[Any]:
    """Active coordinators and administrators of an active organisation, with an e-mail
    address: those who get the monthly report."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMIN],
            memberships__organisation__is_active=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
