"""Reminders as rows: what is due to whom, when, and whether it went out.

A row is written by the sweep (reminders.services.reminders_sweep) when it becomes due and
claimed by a conditional UPDATE before its e-mail is queued; the unique key (kind, item,
recipient, day) makes a second row, and so a second e-mail, impossible.
"""

from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, FollowUp
from contacts.models import Newcomer
from onboarding.models import PlanStep


class Reminder(models.Model):
    class Kind(models.TextChoices):
        FOLLOWUP_DUE = "followup_due", _("Follow-up due today")
        FOLLOWUP_OVERDUE = "followup_overdue", _("Follow-up overdue")
        STEP_DUE = "step_due", _("Plan step due today")
        STEP_OVERDUE = "step_overdue", _("Plan step overdue")
        RESPONSE_WARNING = "response_warning", _("First response due soon")
        RESPONSE_BREACH = "response_breach", _("First response target missed")
        NEWCOMER_DEADLINE = "newcomer_deadline", _("Deadline reminder to the newcomer")
        DIGEST = "digest", _("Daily digest")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Nothing to send")
        MISSED = "missed", _("Missed")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # "followup:12", "step:7", "case:3", "user:4": what the reminder is about, as one key.
    item = models.CharField(_("item"), max_length=40)
    # "user:4", "newcomer:9", or "" for a breach (recorded on the timeline, not mailed).
    recipient = models.CharField(_("recipient"), max_length=40, blank=True)
    # The local day the reminder belongs to (for a newcomer: the deadline's day).
    day = models.DateField(_("day"))
    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    step = models.ForeignKey(
        PlanStep, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    newcomer = models.ForeignKey(
        Newcomer, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-due_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # Exactly once: a second sweep (another process, another beat, a retry after a
            # crash) inserts nothing for the same item, kind, recipient and day.
            models.UniqueConstraint(
                fields=["kind", "item", "recipient", "day"], name="reminders_reminder_once"
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", sent_at__isnull=True)
                | ~models.Q(status="pending"),
                name="reminders_reminder_pending_not_sent",
            ),
        ]
        indexes = [
            # send_reminders sweep (reminders-sweep beat entry): the pending rows that are
            # due, oldest first. Sent rows, the vast majority, are not in the index.
            models.Index(
                fields=["due_at"],
                condition=models.Q(status="pending"),
                name="reminders_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item} {self.day}"


class ReminderPreference(models.Model):
    """A staff member's choice; someone without a row gets the defaults below."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    immediate = models.BooleanField(
        _("E-mail me when a follow-up or step is due or overdue"), default=True
    )
    digest = models.BooleanField(_("Send me a daily digest"), default=True)
    digest_time = models.TimeField(_("Digest time"), default=time(7, 30))
    skip_days_off = models.BooleanField(
        _("No e-mail on weekends and public holidays"), default=False
    )

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user}"
