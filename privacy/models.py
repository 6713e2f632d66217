"""The access log and data subjects' requests (GDPR).

Neither table holds a personal field value: the log holds ids and codes, a request holds
the newcomer's id, dates and the staff member's reason.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Newcomer


class AppendOnlyError(Exception):
    """An access-log row was about to be changed or deleted."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The access log is append-only.")


class AccessLogEntry(models.Model):
    """Who looked at, exported or erased what, and when (privacy.services.access_log_record).

    Append-only. This is the one model with logic in save() and delete(): an audit table
    must refuse change wherever the call comes from (admin, shell, a future service), and
    the model is the one place every such call passes through. Bulk updates and deletes are
    refused by the queryset; on PostgreSQL a trigger also refuses UPDATE and DELETE in the
    database (migration 0002).
    """

    class Action(models.TextChoices):
        OPEN = "open", _("Opened")
        EXPORT = "export", _("Exported (JSON)")
        PDF = "pdf", _("Downloaded as PDF")
        ERASE = "erase", _("Erased")
        ANONYMISE = "anonymise", _("Anonymised (retention)")

    class ObjectType(models.TextChoices):
        CASE = "case", _("Case")
        NEWCOMER = "newcomer", _("Newcomer")
        WELCOME_PACK = "welcome_pack", _("Welcome pack")

    # Staff users are deactivated, never deleted, so their rows keep pointing at them.
    # None: the system (the retention job).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object"), max_length=20, choices=ObjectType.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    # The newcomer the object is about, so their export can list who saw their data.
    newcomer_id = models.PositiveBigIntegerField(_("newcomer id"), null=True, blank=True)
    case_id = models.PositiveBigIntegerField(_("case id"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            # The case's log, the user's log and a newcomer's export read these.
            models.Index(fields=["case_id", "-created_at"], name="privacy_log_case_time"),
            models.Index(fields=["user", "-created_at"], name="privacy_log_user_time"),
            models.Index(fields=["newcomer_id"], name="privacy_log_newcomer"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} #{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The access log is append-only.")


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
