"""Writes on the e-mail outbox. Other apps call email_queue; the tasks call the rest.

Every outgoing message is first a row, saved in the transaction of the action that caused
it. A task sends it after commit; outbox_sweep (every minute) queues again what the broker
lost and takes back claims of processes that died. The database, not Redis, decides what
still has to go out and who sends it.
"""

import logging
import re
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NotRequired, TypedDict, Unpack

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from outbox.emails import RenderedEmail, email_render_many
from outbox.models import OutboundEmail

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status

# Seconds to wait after the first, second, third and every later failed attempt. Each is a
# Celery retry countdown, and Redis hands a message held that long by a worker to another
# worker once the broker's visibility timeout passes: every value must stay below it
# (outbox.checks and tests/outbox/test_settings.py check this).
BACKOFF_SECONDS = (60, 300, 1800)

# A pending row that has been due this long without a claim lost its task (a Redis flush, or
# the broker was down when it was queued): the sweep queues it again. A healthy queue runs a
# task within seconds; waiting longer also keeps the sweep from queueing a whole backlog
# again every minute while the workers catch up.
REQUEUE_AFTER = timedelta(minutes=5)
# Rows handled per sweep and kind of work; the next sweep takes the rest.
SWEEP_BATCH = 500

# What the mail server or the network can do to an attempt: worth trying again later.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
_ADDRESS = re.compile(r"\S+@\S+")


class EmailDeferred(Exception):
    """An attempt failed and was recorded; the row is pending again, due in `retry_in` s."""

    def __init__(self, *, email_id: int, retry_in: int) -> None:
        super().__init__(f"e-mail {email_id} deferred for {retry_in} s")
        self.email_id = email_id
        self.retry_in = retry_in


@dataclass
class SweepResult:
    reset: list[int] = field(default_factory=list)  # stale claims made pending and queued
    failed: list[int] = field(default_factory=list)  # stale claims with no attempt left
    requeued: list[int] = field(default_factory=list)  # pending rows whose task was lost


def email_backoff(*, attempts: int) -> int:
    """Seconds before the next try after `attempts` failed attempts (1, 5, then 30 min)."""
    return BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1]


def email_build(
    *,
    kind: str,
    to: str,
    template: str,
    language: str,
    context: dict[str, Any],
    case_id: int | None = None,
    attachments: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    automatic: bool = True,
) -> OutboundEmail:
    """The row email_queue saves, rendered and validated but not saved: a caller that
    queues many e-mails at once builds them here and saves them with email_queue_many.

    The message is rendered now (outbox.emails.email_render: templates/jinja2/emails/
    <template>-subject.txt, -body.txt and -body.html, in Jinja2) inside
    translation.override(language); email_queue saves the row in the
    caller's transaction: a rolled-back action leaves no row and no task, because the task
    that sends it is enqueued only when that transaction commits.

    - `kind` is dotted, like event kinds: "cases.intake_receipt"; its label for the case
      page is registered with outbox.kinds.email_kinds.
    - `case_id`: the case the e-mail is about, if any (its page lists it; erasure masks it).
    - Subjects never contain personal data (names, addresses, anything from the newcomer):
      mail servers log them and clients show them in lists. The subject template is
      responsible; a case reference is fine.
    - `attachments`: [{"filename", "mimetype", "path"}], `path` being a name in
      default_storage that must still exist when the message is sent (possibly much later,
      after retries).
    - The context is not stored, only the rendered message, so a case changed before the
      message goes out does not change what the action said.
    - `headers`: In-Reply-To, References, Reply-To (outbox.models.ALLOWED_HEADERS).
    - `automatic`: the message is machine-made (receipts, reminders, notices) and says so
      with `Auto-Submitted: auto-generated` (RFC 3834), so that out-of-office replies are
      not sent back to it; a message a person wrote passes False.
    """
    message: EmailArgs = {
        "kind": kind,
        "to": to,
        "template": template,
        "language": language,
        "context": context,
        "case_id": case_id,
        "attachments": attachments,
        "headers": headers,
        "automatic": automatic,
    }
    return email_build_many([message])[0]


def email_build_many(messages: list["EmailArgs"]) -> list[OutboundEmail]:
    """email_build for many e-mails, in order: rendered by template triple and language
    (outbox.emails.email_render_many), so that each group looks its templates up and
    activates its language once. Each e-mail keeps its own language. An error in one
    message raises for all: a caller that must let one message fail alone builds them one
    by one (email_build) after that."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, message in enumerate(messages):
        groups.setdefault((message["template"], message["language"]), []).append(index)
    rendered: dict[int, RenderedEmail] = {}
    for (template, language), indexes in groups.items():
        contexts = [messages[index]["context"] for index in indexes]
        group = email_render_many(template=template, language=language, contexts=contexts)
        rendered.update(zip(indexes, group, strict=True))
    return [
        _email_row(
            rendered[index],
            kind=message["kind"],
            to=message["to"],
            language=message["language"],
            case_id=message.get("case_id"),
            attachments=message.get("attachments"),
            headers=message.get("headers"),
            automatic=message.get("automatic", True),
        )
        for index, message in enumerate(messages)
    ]


# The fields _email_row sets itself, which need no validation.
_SET_HERE = (
    "message_id",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "next_attempt_at",
    "claimed_at",
    "sent_at",
)


def _message_id() -> str:
    """A new Message-ID. Not email.utils.make_msgid: it draws from the shared `random`
    generator, which anything in the process may seed (Hypothesis does, per example), and
    two e-mails in the same hundredth of a second then got the same ID and the second
    action failed on the unique constraint. uuid4 reads the operating system's randomness."""
    return f"<{uuid.uuid4().hex}@{settings.OUTBOX_MESSAGE_ID_DOMAIN}>"


def _email_row(
    rendered: RenderedEmail,
    *,
    kind: str,
    to: str,
    language: str,
    case_id: int | None,
    attachments: list[dict[str, str]] | None,
    headers: dict[str, str] | None,
    automatic: bool,
) -> OutboundEmail:
    now = timezone.now()
    email = OutboundEmail(
        kind=kind,
        to=to,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        language=language,
        message_id=_message_id(),
        case_id=case_id,
        attachments=attachments or [],
        headers={**(headers or {}), **({"Auto-Submitted": "auto-generated"} if automatic else {})},
        created_at=now,
        next_attempt_at=now,
    )
    # Field validation only: the unique Message-ID is fresh from _message_id, and the check
    # constraints are enforced by the database on insert anyway. Validating them here cost
    # queries per e-mail that dominated the reminder sweep (bench/reminders.py: 29 s
    # before, about 5 s after). Nor the fields set just above from the clock and the
    # defaults (a tenth of the sweep's rendering time): only what callers pass is checked.
    email.full_clean(exclude=_SET_HERE, validate_unique=False, validate_constraints=False)
    return email


class EmailArgs(TypedDict):
    """email_build's arguments, so that email_queue's callers are checked as strictly."""

    kind: str
    to: str
    template: str
    language: str
    context: dict[str, Any]
    case_id: NotRequired[int | None]
    attachments: NotRequired[list[dict[str, str]] | None]
    headers: NotRequired[dict[str, str] | None]
    automatic: NotRequired[bool]


def email_queue(**kwargs: Unpack[EmailArgs]) -> OutboundEmail:
    """Queues one e-mail and returns its row; the arguments are email_build's."""
    email = email_build(**kwargs)
    email.save()
    _enqueue_on_commit(email.pk)
    return email


def email_queue_many(emails: list[OutboundEmail]) -> list[OutboundEmail]:
    """Saves rows from email_build in a few INSERTs, in the caller's transaction, each sent
    once it commits (as email_queue). The reminder sweep queues thousands at a time: a
    query per e-mail was most of its cost (bench/reminders.py)."""
    if connections[OutboundEmail.objects.db].features.can_return_rows_from_bulk_insert:
        saved = OutboundEmail.objects.bulk_create(emails, batch_size=500)
    else:  # SQLite before 3.35 gives bulk-created rows no keys, and the task needs them
        for email in emails:
            email.save()
        saved = emails
    for email in saved:
        _enqueue_on_commit(email.pk)
    return saved


def _enqueue_on_commit(email_id: int) -> None:
    """outbox_send(email_id) once the current transaction commits. A broker that is down
    (or, without one, a send that breaks in-process) must not turn the caller's committed
    action into an error page: the row is pending, and outbox_sweep queues it again."""
    from outbox.tasks import outbox_send

    def enqueue() -> None:
        try:
            outbox_send.delay(email_id)
        except Exception:
            logger.exception("outbox: e-mail %s not queued now; the sweep will", email_id)

    transaction.on_commit(enqueue)


def email_send_one(*, email_id: int) -> bool:
    """Sends one due e-mail. True when this call sent it; False when there was nothing to do
    (claimed by someone else, not due, sent, failed) or it just gave up (now failed). Raises
    EmailDeferred after recording a transient failure, for the caller to retry later.

    Called by outbox.tasks.outbox_send in autocommit, never inside transaction.atomic: the
    claim must be committed before the SMTP conversation starts.

    1. Claim: one conditional UPDATE moves the row from pending and due to sending, stamps
       claimed_at and counts the attempt. Only the caller whose UPDATE changed one row goes
       on; a redelivered or duplicate task, a sweep's re-enqueue or a second worker finds
       nothing to claim. On PostgreSQL a concurrent UPDATE waits for the row lock, then
       re-checks its WHERE against the committed row and matches nothing; SQLite serialises
       writers. No select_for_update (ignored on SQLite) and no cache lock.
    2. Send outside any transaction (a row lock held across SMTP would block the sweep),
       with the stored Message-ID and the attachments read from default_storage.
    3. Record the outcome with a conditional UPDATE on our claimed_at: sent; or, after an
       SMTP or OS error, pending with next_attempt_at = now + backoff (EmailDeferred), or
       failed once OUTBOX_MAX_ATTEMPTS are used (email_failed). An attempt that outlived
       OUTBOX_STALE_SECONDS may have had its claim taken back by the sweep: while nobody has
       claimed it again, "sent" is still recorded (and prevents a second send); after a new
       claim, that attempt's outcome is not overwritten.
    4. The window left open: the SMTP server accepted the message and the process died (or
       lost the database) before step 3. The row stays in sending, email_sweep makes it
       pending after OUTBOX_STALE_SECONDS, and it is sent again with the same Message-ID.
    """
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    mine = OutboundEmail.objects.filter(
        pk=email_id, claimed_at=now, status__in=[Status.PENDING, Status.SENDING]
    )
    try:
        _deliver(email)
    except TRANSIENT_ERRORS as exc:
        error = _describe(exc)
        if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            email_failed(email_id=email_id, error=error, claimed_at=now)
            return False
        retry_in = email_backoff(attempts=email.attempts)
        mine.update(
            status=Status.PENDING,
            last_error=error,
            next_attempt_at=timezone.now() + timedelta(seconds=retry_in),
        )
        logger.info(
            "outbox: e-mail %s (%s) attempt %s failed, next in %s s: %s",
            email_id,
            email.kind,
            email.attempts,
            retry_in,
            error,
        )
        raise EmailDeferred(email_id=email_id, retry_in=retry_in) from exc
    except Exception as exc:
        # A bug or a broken row, not the mail server: trying again would repeat it.
        email_failed(email_id=email_id, error=_describe(exc), claimed_at=now)
        raise
    if mine.update(status=Status.SENT, sent_at=timezone.now(), last_error="") != 1:
        logger.warning(
            "outbox: e-mail %s was sent after the sweep took its claim back; it may go out "
            "twice (same Message-ID)",
            email_id,
        )
    return True


def _deliver(email: OutboundEmail) -> None:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        to=[email.to],
        headers={**email.headers, "Message-ID": email.message_id},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        with default_storage.open(attachment["path"], "rb") as handle:
            message.attach(attachment["filename"], handle.read(), attachment["mimetype"])
    message.send()


def _describe(exc: BaseException) -> str:
    """The exception's class and a short message, with anything like an address masked:
    SMTP replies often quote the recipient, and last_error holds no personal data."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        detail = " ".join(str(code) for code, _msg in exc.recipients.values())
    elif isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        detail = f"{exc.smtp_code} {text}"
    else:
        detail = str(exc)
    detail = _ADDRESS.sub("<address>", " ".join(detail.split()))[:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def email_failed(*, email_id: int, error: str, claimed_at: datetime | None = None) -> bool:
    """Gives up on an e-mail: failed, with the last error. Staff see it on the case page and
    in admin, where "retry now" queues it again. With `claimed_at`, only if that claim still
    holds the row. Returns whether the row changed."""
    rows = OutboundEmail.objects.filter(pk=email_id, status__in=[Status.PENDING, Status.SENDING])
    if claimed_at is not None:
        rows = rows.filter(claimed_at=claimed_at)
    changed = rows.update(status=Status.FAILED, last_error=error[:300]) == 1
    if changed:
        logger.warning("outbox: e-mail %s failed: %s", email_id, error)
    return changed


@transaction.atomic
def email_retry(*, email_ids: Iterable[int]) -> int:
    """Makes pending or failed e-mails due now and queues them (admin "retry now", after the
    cause is fixed). A failed e-mail has used its OUTBOX_MAX_ATTEMPTS, so it gets one more
    attempt. E-mails being sent or already sent are left alone. Returns how many."""
    retryable = [Status.PENDING, Status.FAILED]
    ids = list(
        OutboundEmail.objects.filter(pk__in=list(email_ids), status__in=retryable).values_list(
            "pk", flat=True
        )
    )
    OutboundEmail.objects.filter(pk__in=ids, status__in=retryable).update(
        status=Status.PENDING, next_attempt_at=timezone.now()
    )
    for email_id in ids:
        _enqueue_on_commit(email_id)
    return len(ids)


def email_sweep(*, dry_run: bool = False) -> SweepResult:
    """Makes sure nothing that must be sent lives only in the broker. Runs every minute as
    outbox.tasks.outbox_sweep and by hand as `manage.py send_outbox`. Safe beside senders and
    beside another sweep: every write is a conditional UPDATE, and sending claims first.

    1. Stale claims: a row in sending claimed more than OUTBOX_STALE_SECONDS ago belongs to a
       process that died (an attempt cannot take that long: EMAIL_TIMEOUT and outbox_send's
       time limit end it sooner). It becomes pending, due now, and is queued at once; with no
       attempt left it is failed instead. This is the one window in which a message can go
       out twice: the SMTP server may have accepted it just before the process died. The
       resend carries the same Message-ID, so mail clients show it once.
    2. Lost tasks: pending rows due for more than REQUEUE_AFTER without a claim are made due
       now (so the next sweeps leave them alone for a while) and queued again.

    With dry_run nothing changes; the result says what would have been done.
    """
    now = timezone.now()
    result = SweepResult()
    stale_before = now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    stale = OutboundEmail.objects.filter(
        status=Status.SENDING, claimed_at__lt=stale_before
    ).values_list("pk", "claimed_at", "attempts")[:SWEEP_BATCH]
    error = f"WorkerLost: no outcome within {settings.OUTBOX_STALE_SECONDS} s"
    for email_id, claimed_at, attempts in stale:
        if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            if dry_run or email_failed(email_id=email_id, error=error, claimed_at=claimed_at):
                result.failed.append(email_id)
        elif (
            dry_run
            or OutboundEmail.objects.filter(
                pk=email_id, status=Status.SENDING, claimed_at=claimed_at
            ).update(status=Status.PENDING, next_attempt_at=now, last_error=error)
            == 1
        ):
            result.reset.append(email_id)
    lost = OutboundEmail.objects.filter(
        status=Status.PENDING, next_attempt_at__lte=now - REQUEUE_AFTER
    ).order_by("next_attempt_at")
    result.requeued = list(lost.values_list("pk", flat=True)[:SWEEP_BATCH])
    if dry_run:
        return result
    OutboundEmail.objects.filter(pk__in=result.requeued, status=Status.PENDING).update(
        next_attempt_at=now
    )
    for email_id in [*result.reset, *result.requeued]:
        _enqueue_on_commit(email_id)
    if result.reset or result.failed or result.requeued:
        logger.info(
            "outbox sweep: %s stale reset, %s failed, %s queued again",
            len(result.reset),
            len(result.failed),
            len(result.requeued),
        )
    return result
