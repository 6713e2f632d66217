"""Messages between the team and a newcomer by e-mail, and the log of every incoming mail.

Outgoing messages go out through the outbox (outbox.OutboundEmail); a CaseMessage is the
case's copy of what was written. Incoming mail is read from the team's mailbox: each mail
gets one InboundEmail row, unique by Message-ID, whatever became of it (a message on a case,
a new case, or ignored as an auto-reply, a bounce or a loop).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class ReplyTemplate(models.Model):
    """A reusable message text in one language, kept by the team. The body may hold
    placeholders such as {first_name} and {reference}, filled from the case when it is
    picked in the composer (conversations.services.reply_template_fill)."""

    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    body = models.TextField(_("text"), max_length=5000)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["name", "language"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "language"], name="conversations_replytemplate_name_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class CaseMessage(models.Model):
    """One e-mail in the conversation on a case, in either direction. On the timeline as
    "conversations.message.sent" or "conversations.message.received" with {"message": pk}."""

    class Direction(models.TextChoices):
        OUTGOING = "out", _("Sent to the newcomer")
        INCOMING = "in", _("Received from the newcomer")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    # Outgoing: who wrote it, and the outbox row that carries it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.OneToOneField(
        "outbox.OutboundEmail",
        verbose_name=_("e-mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_message",
    )
    # The mail's own Message-ID (for outgoing ones, the outbox row's): replies point at it
    # in In-Reply-To and References, which is how they find their case.
    message_id = models.CharField(_("Message-ID"), max_length=255)
    # Incoming: the From address, and whether it is the case's newcomer's (a reply matched
    # by the reference in its subject may come from anybody).
    sender = models.EmailField(_("from"), blank=True)
    sender_known = models.BooleanField(_("sender is the newcomer"), default=True)
    # Incoming, with CONVERSATIONS_SENDER_CHECK = "dmarc": whether our mail server's DMARC
    # result vouched for the From address. None: not checked (outgoing, or the check off).
    sender_authenticated = models.BooleanField(
        _("sender's address verified"), null=True, blank=True, default=None
    )
    body = models.TextField(_("text"))
    # Incoming: the whole text as it came, quoted history and signature included; `body` is
    # the reply's own part (conversations.trim.reply_trim), which may cut too much.
    full_text = models.TextField(_("whole e-mail"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["case", "created_at"], name="conversations_msg_case")]
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="conversations_casemessage_msgid"),
            models.CheckConstraint(
                condition=models.Q(direction__in=["out", "in"]),
                name="conversations_casemessage_direction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.direction} #{self.pk}"


class CaseMessageAttachment(models.Model):
    """A file that came with an incoming message and passed the file rules
    (privacy.files): stored under a generated name in default_storage, outside any served
    folder, and downloaded only through the case's access check."""

    message = models.ForeignKey(CaseMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    mimetype = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    path = models.CharField(_("stored as"), max_length=255)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class InboundEmail(models.Model):
    """One row per incoming mail ever processed: the Message-ID is unique, so the same mail
    read twice (a poll that died before marking it seen, two polls at once) is processed
    once. Ignored mail keeps no sender or text, only why it was ignored. A mail held for a
    person (conversations.receive.InboundHeld) gets no row: it stays in the mailbox.
    A bounce of one of our e-mails has its case set."""

    class Outcome(models.TextChoices):
        ATTACHED = "attached", _("Added to its case")
        NEW_CASE = "new_case", _("Opened a new case")
        AUTO_REPLY = "auto_reply", _("Ignored: automatic reply")
        BOUNCE = "bounce", _("Ignored: delivery failure")
        LOOP = "loop", _("Ignored: sent by Tilflytt itself")

    message_id = models.CharField(_("Message-ID"), max_length=255)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
    )
    case_message = models.OneToOneField(
        CaseMessage,
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound",
    )

    class RefusedReason(models.TextChoices):
        RULES = "rules", _("Not a PDF, JPEG or PNG within the size limit")
        SENDER = "sender", _("The sender is not the newcomer")
        UNVERIFIED = "unverified", _("The sender's address could not be verified")

    # Files left out: counted, never stored. Why: by the file rules (type or size; also a
    # part too broken to read), or all of them because the mail was not trusted. Blank on
    # rows from before the reason was stored.
    attachments_refused = models.PositiveSmallIntegerField(_("attachments refused"), default=0)
    attachments_refused_reason = models.CharField(
        _("why attachments were refused"),
        max_length=12,
        choices=RefusedReason.choices,
        blank=True,
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed"), default=timezone.now)

    class Meta:
        ordering = ["-processed_at", "-pk"]
        verbose_name = _("incoming e-mail")
        verbose_name_plural = _("incoming e-mails")
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="conversations_inbound_msgid"),
        ]
        indexes = [
            # "My work" counts the recent bounces tied to none of our e-mails
            # (selectors.mailbox_status_for_notice), among every mail ever received.
            models.Index(
                fields=["processed_at"],
                condition=models.Q(outcome="bounce", case=None),
                name="conversations_inbound_nocase",
            )
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.message_id}"


class MailboxStatus(models.Model):
    """How the last polls of one IMAP folder went, written by conversations.mailbox's
    mailbox_poll (never by a dry run) so that coordinators see on "My work" when the
    mailbox is no longer read or mail waits there for a person. One row per folder."""

    folder = models.CharField(_("folder"), max_length=255)
    last_attempt_at = models.DateTimeField(_("last poll started"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last poll completed"), null=True, blank=True)
    # The exception's class and where it was raised (mailbox._where); for the poller's own
    # MailboxError also its text, which is written to hold no password, token or address.
    # Cleared by the next poll that succeeds.
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # Unseen and flagged at the end of the last successful poll: held, too large or broken
    # mails that a person must handle in the mailbox (mailbox.mailbox_poll).
    waiting_for_a_person = models.PositiveIntegerField(_("waiting for a person"), default=0)

    class Meta:
        verbose_name = _("mailbox status")
        verbose_name_plural = _("mailbox statuses")
        constraints = [
            models.UniqueConstraint(fields=["folder"], name="conversations_mailboxstatus_folder")
        ]

    def __str__(self) -> str:
        return self.folder

    def is_stale(self, now: datetime, *, after: timedelta) -> bool:
        """Whether no poll has succeeded within `after` before `now` (or ever)."""
        return self.last_success_at is None or self.last_success_at < now - after

    @property
    def error_class(self) -> str:
        """The exception's class name, the first word of last_error."""
        return self.last_error.split(" ", 1)[0].rstrip(":")
