"""The one thing reports write down: which coordinator was sent which monthly report."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MonthlyReportDelivery(models.Model):
    """One row per coordinator and month, inserted before the e-mail is queued: the unique
    constraint is the claim that makes each report go out once, however often the job runs
    (see reports.services.monthly_report_deliver)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    language = models.CharField(_("language"), max_length=10)
    file = models.CharField(_("file"), max_length=300, blank=True)
    email = models.ForeignKey(
        "outbox.OutboundEmail",
        verbose_name=_("e-mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-month", "user_id"]
        verbose_name = _("monthly report delivery")
        verbose_name_plural = _("monthly report deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "month"], name="reports_monthlyreportdelivery_unique_user_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.user_id}"
