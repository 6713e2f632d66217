"""Data subjects' requests (GDPR): a request holds the newcomer's id, dates and the staff
member's reason. The access log is the audit app's."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Newcomer


class DataRequest(models.Model):
    """A newcomer's request to see (access) or erase their data, answered within a month."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access (copy of the data)")
        ERASURE = "erasure", _("Erasure")

    newcomer = models.ForeignKey(
        Newcomer,
        verbose_name=_("newcomer"),
        on_delete=models.PROTECT,
        related_name="data_requests",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["done_at", "due_at", "pk"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        indexes = [
            # The request list shows open requests by due date (overdue first).
            models.Index(
                fields=["due_at"], condition=models.Q(done_at=None), name="privacy_request_open"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_at__gt=models.F("received_at")),
                name="privacy_datarequest_due_after_received",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def is_overdue(self, now: datetime) -> bool:
        return self.done_at is None and self.due_at < now
