"""The e-mail outbox: one row per outgoing message, written in the transaction that caused it."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.kinds import email_kind_label

ATTACHMENT_KEYS = {"filename", "mimetype", "path"}


def validate_attachments(value: Any) -> None:
    """A list of {"filename", "mimetype", "path"}; path is a name in default_storage."""
    if not isinstance(value, list) or not all(
        isinstance(item, dict)
        and set(item) == ATTACHMENT_KEYS
        and all(isinstance(item[key], str) and item[key] for key in ATTACHMENT_KEYS)
        for item in value
    ):
        raise ValidationError(
            "Attachments must be a list of {filename, mimetype, path} strings.",
            code="invalid_attachments",
        )


# Headers a caller may set; everything else (From, To, Subject, Message-ID) is the outbox's.
ALLOWED_HEADERS = {"In-Reply-To", "References", "Reply-To", "Auto-Submitted"}


def validate_headers(value: Any) -> None:
    """A dict of ALLOWED_HEADERS to single-line strings (no header injection)."""
    if not isinstance(value, dict) or not all(
        key in ALLOWED_HEADERS and isinstance(text, str) and "\n" not in text and "\r" not in text
        for key, text in value.items()
    ):
        raise ValidationError(
            _("Headers must map In-Reply-To, References, Reply-To or Auto-Submitted to one line."),
            code="invalid_headers",
        )


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=100)
    to = models.EmailField(_("to"))
    # Rendered by templates that keep personal data out of it (mail servers log subjects).
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    language = models.CharField(_("language"), max_length=10)
    # Generated when queued and sent with every attempt, so a message sent twice (see
    # outbox.services.email_sweep) carries one Message-ID that mail clients de-duplicate.
    message_id = models.CharField(_("Message-ID"), max_length=255)
    # The case the e-mail is about, by id: the outbox sits below the cases app and knows
    # no case (docs/architecture.md). Cases are never deleted, only masked on erasure.
    case_id = models.BigIntegerField(_("case"), null=True, blank=True, db_index=True)
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True, validators=[validate_attachments]
    )
    # Extra headers sent with every attempt: In-Reply-To and References for a conversation
    # (conversations), Reply-To for the team's mailbox. Message-ID is the field above.
    headers = models.JSONField(
        _("headers"), default=dict, blank=True, validators=[validate_headers]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The exception's class and a short message with addresses removed: no personal data.
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            # outbox_sweep (every minute) looks for pending rows that are due and for rows
            # left in `sending`; sent and failed rows, nearly all of the table, stay out.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="outbox_email_sweep",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="outbox_email_message_id_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(status="sent", sent_at__isnull=False)
                    | (~models.Q(status="sent") & models.Q(sent_at__isnull=True))
                ),
                name="outbox_email_sent_at_iff_sent",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sending") | models.Q(claimed_at__isnull=False),
                name="outbox_email_sending_is_claimed",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(attempts__gte=1),
                name="outbox_email_attempted_unless_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def kind_label(self) -> str:
        return email_kind_label(self.kind)

    @property
    def shown_at(self) -> datetime:
        """When it went out, or when it was queued while it has not."""
        return self.sent_at or self.created_at
