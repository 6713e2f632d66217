"""The access log: who looked at, exported or erased what, and when.

It holds ids and codes, never a personal value, so it can outlive erasure. It references
cases and newcomers by plain id columns (case_id, newcomer_id), not foreign keys: this app
sits below both (docs/architecture.md).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An access-log row was about to be changed or deleted."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The access log is append-only.")


class AccessLogEntry(models.Model):
    """Who looked at, exported or erased what, and when (audit.services.access_log_record).

    Append-only. This is the one model with logic in save() and delete(): an audit table
    must refuse change wherever the call comes from (admin, shell, a future service), and
    the model is the one place every such call passes through. Bulk updates and deletes are
    refused by the queryset; on PostgreSQL a trigger also refuses UPDATE and DELETE in the
    database (privacy migration 0002, which made the table).
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
        # The table keeps the name it had when the log lived in the privacy app, with its
        # PostgreSQL append-only trigger: existing databases move without touching a row.
        db_table = "privacy_accesslogentry"
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
