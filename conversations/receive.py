"""Incoming e-mail from the team's mailbox: onto its case, a new case, or ignored.

conversations.mailbox polls the mailbox and calls inbound_process once per mail.
"""

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from cases.filters import REFERENCE_PATTERN
from cases.models import Case
from cases.services import case_change_status, case_event_record, case_open
from contacts.models import Newcomer
from conversations.inbound import ParsedEmail, inbound_parse
from conversations.models import CaseMessage, CaseMessageAttachment, InboundEmail
from outbox.models import OutboundEmail
from outbox.services import email_queue
from privacy.files import file_check

logger = logging.getLogger(__name__)

Outcome = InboundEmail.Outcome

# A case reference anywhere in a subject ("Re: Your enquiry NR-2026-0042").
SUBJECT_REFERENCE = re.compile(
    r"\b" + REFERENCE_PATTERN.pattern.removeprefix("^").removesuffix("$") + r"\b"
)
# A mail dated further back than this, or in the future, is dated when it was processed:
# the Date header is the sender's clock and may be anything.
DATE_MAX_AGE = timedelta(days=60)
# Case.message has a maximum length; the whole text is on the CaseMessage.
CASE_MESSAGE_MAX_CHARS = 5000
_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
_IGNORED = {"auto_reply": Outcome.AUTO_REPLY, "bounce": Outcome.BOUNCE, "loop": Outcome.LOOP}


@dataclass(frozen=True)
class InboundResult:
    inbound: InboundEmail
    created: bool  # False: this mail had been processed before, nothing changed


def inbound_process(*, raw: bytes, now: datetime | None = None) -> InboundResult:
    """Processes one mail exactly once, whatever the poller does.

    Must be called in autocommit (not inside transaction.atomic): the caller marks the mail
    seen on the server only after this returns, i.e. after the work committed. A mail read
    again (a poll that died before marking it, two polls at once) changes nothing.

    1. A mail whose Message-ID already has an InboundEmail row is returned as it is.
    2. Otherwise, in one transaction, the InboundEmail row is inserted first. On
       PostgreSQL a concurrent transaction inserting the same Message-ID waits on the
       unique index until this one ends, then fails with IntegrityError; it is caught
       outside the atomic block and the winner's row is returned. SQLite serialises
       writers: the second waits for the first to commit and fails the same way.
    3. The work (case, message, files, event, status, notice) is done in the same
       transaction and the row updated with its outcome. Stored files are not part of the
       transaction: if it fails, the files written so far are deleted.
    """
    now = now or timezone.now()
    parsed = inbound_parse(raw)
    existing = InboundEmail.objects.filter(message_id=parsed.message_id).first()
    if existing is not None:
        return InboundResult(inbound=existing, created=False)
    written: list[str] = []
    try:
        with transaction.atomic():
            inbound = InboundEmail(
                message_id=parsed.message_id,
                # Provisional, replaced below in this transaction: nobody sees it.
                outcome=_IGNORED.get(parsed.kind, Outcome.REFUSED),
                received_at=_sane_date(parsed.date, now),
                processed_at=now,
            )
            inbound.full_clean(validate_unique=False, validate_constraints=False)
            inbound.save()
            if parsed.kind == "reply" and _is_ours(parsed.message_id):
                inbound.outcome = Outcome.LOOP
                inbound.save(update_fields=["outcome"])
            elif parsed.kind == "reply":
                _handle_reply(inbound=inbound, parsed=parsed, now=now, written=written)
    except IntegrityError:
        _delete_files(written)
        existing = InboundEmail.objects.filter(message_id=parsed.message_id).first()
        if existing is None:
            raise  # another constraint: a real error, and the poller tries again later
        return InboundResult(inbound=existing, created=False)
    except BaseException:
        _delete_files(written)
        raise
    logger.info(
        "conversations: inbound e-mail %s: %s (case %s)",
        inbound.pk,
        inbound.outcome,
        inbound.case_id,
    )
    return InboundResult(inbound=inbound, created=True)


def _handle_reply(
    *, inbound: InboundEmail, parsed: ParsedEmail, now: datetime, written: list[str]
) -> None:
    sender = _valid_address(parsed.sender)
    received_at = inbound.received_at or now
    case, sender_known = _case_for(parsed=parsed, sender=sender)
    if case is not None:
        inbound.outcome = Outcome.ATTACHED
    else:
        newcomer = _newcomer_for(parsed=parsed, sender=sender, now=now)
        if newcomer is None:
            inbound.outcome = Outcome.REFUSED
            inbound.save(update_fields=["outcome"])
            return
        case = case_open(
            newcomer=newcomer,
            channel=Case.Channel.EMAIL,
            message=parsed.text[:CASE_MESSAGE_MAX_CHARS],
            # case_open refuses a time after its own now (a `now` passed by a test).
            received_at=received_at if received_at <= timezone.now() else None,
        )
        sender_known = True
        inbound.outcome = Outcome.NEW_CASE
    message = CaseMessage(
        case=case,
        direction=CaseMessage.Direction.INCOMING,
        message_id=parsed.message_id,
        sender=sender,
        sender_known=sender_known,
        body=parsed.text,
        created_at=received_at,
    )
    # An empty body is allowed here: a mail may be only an attachment. Uniqueness of the
    # Message-ID is already held by the InboundEmail row inserted first.
    message.full_clean(exclude=["body"], validate_unique=False, validate_constraints=False)
    message.save()
    inbound.attachments_refused = _attachments_store(
        message=message, parsed=parsed, written=written
    )
    case_event_record(
        case=case,
        kind="conversations.message.received",
        actor=None,
        data={"message": message.pk},
        at=received_at,
    )
    if inbound.outcome == Outcome.ATTACHED:
        _reopen_and_notify(case=case)
    inbound.case = case
    inbound.case_message = message
    inbound.save(update_fields=["outcome", "case", "case_message", "attachments_refused"])


def _is_ours(message_id: str) -> bool:
    """A mail with the Message-ID of a message we sent is our own coming back (and its
    CaseMessage would break the unique Message-ID, failing again on every poll)."""
    return (
        CaseMessage.objects.filter(message_id=message_id).exists()
        or OutboundEmail.objects.filter(message_id=message_id).exists()
    )


def _sane_date(date: datetime | None, now: datetime) -> datetime:
    if date is None or not now - DATE_MAX_AGE <= date <= now:
        return now
    return date


def _valid_address(address: str) -> str:
    """The sender's address if it is one a case could be answered at, else ""."""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address if len(address) <= 254 else ""


def _case_for(*, parsed: ParsedEmail, sender: str) -> tuple[Case | None, bool]:
    """The case the mail answers, and whether its sender is taken to be the newcomer.

    1. By headers: the newest Message-ID in In-Reply-To, then References from the newest,
       that is a message on a case or an e-mail the outbox sent for one (the intake
       receipt, a reminder). Having the Message-ID shows the sender got our mail.
    2. By a case reference in the subject. Anybody can type one, so a sender who is not
       the case's newcomer is marked unknown (staff see a warning), but kept on the case.
    Cases of erased newcomers are never matched: the mail becomes a new case instead.
    """
    ids = [i for i in dict.fromkeys([parsed.in_reply_to, *reversed(parsed.references)]) if i]
    if ids:
        found: dict[str, int] = dict(
            CaseMessage.objects.filter(message_id__in=ids).values_list("message_id", "case_id")
        )
        for message_id, case_id in OutboundEmail.objects.filter(
            message_id__in=ids, case__isnull=False
        ).values_list("message_id", "case_id"):
            found.setdefault(message_id, case_id)
        cases = Case.objects.select_related("newcomer", "owner").in_bulk(set(found.values()))
        for message_id in ids:
            case = cases.get(found.get(message_id, -1))
            if case is not None and case.newcomer.erased_at is None:
                return case, True
    for reference in SUBJECT_REFERENCE.findall(parsed.subject):
        case = (
            Case.objects.select_related("newcomer", "owner")
            .filter(reference__iexact=reference, newcomer__erased_at=None)
            .first()
        )
        if case is not None:
            known = bool(sender) and sender == case.newcomer.email.strip().lower()
            return case, known
    return None, False


def _newcomer_for(*, parsed: ParsedEmail, sender: str, now: datetime) -> Newcomer | None:
    """Who a new case is for: the newcomer with the sender's address, or a new unverified
    one. None (refused) without a usable address, or when the address has already opened
    CONVERSATIONS_NEW_CASES_PER_SENDER_PER_DAY cases in 24 hours: a mail loop with an
    unknown auto-responder, or a flood, must not fill the case list. The count is not
    locked: two mails at the same instant may both pass, which is fine for a brake."""
    if not sender:
        return None
    recent = InboundEmail.objects.filter(
        outcome=Outcome.NEW_CASE,
        processed_at__gt=now - timedelta(hours=24),
        case_message__sender__iexact=sender,
    ).count()
    if recent >= settings.CONVERSATIONS_NEW_CASES_PER_SENDER_PER_DAY:
        return None
    newcomer = (
        Newcomer.objects.filter(email__iexact=sender, erased_at=None)
        .order_by("-updated_at", "-pk")
        .first()
    )
    if newcomer is not None:
        return newcomer
    # The name is whatever the mail claims; staff confirm who it is (is_unverified).
    newcomer = Newcomer(
        name=parsed.sender_name or sender.split("@")[0],
        email=sender,
        is_unverified=True,
        created_at=now,
        updated_at=now,
    )
    newcomer.full_clean()
    newcomer.save()
    return newcomer


def _attachments_store(*, message: CaseMessage, parsed: ParsedEmail, written: list[str]) -> int:
    """Stores the files that pass privacy.files under generated names (the sender's name
    is only a label); returns how many were refused."""
    refused = 0
    for attachment in parsed.attachments:
        try:
            mimetype = file_check(
                content=attachment.content,
                filename=attachment.filename,
                max_bytes=settings.CONVERSATIONS_ATTACHMENT_MAX_BYTES,
            )
        except ValidationError:
            refused += 1
            continue
        name = f"conversations/{uuid.uuid4().hex}.{_EXTENSIONS[mimetype]}"
        path = default_storage.save(name, ContentFile(attachment.content))
        written.append(path)
        row = CaseMessageAttachment(
            message=message,
            filename=attachment.filename,
            mimetype=mimetype,
            size=len(attachment.content),
            path=path,
        )
        row.full_clean()
        row.save()
    return refused


def _reopen_and_notify(*, case: Case) -> None:
    """A reply puts a waiting or closed case back in the team's work, and tells its owner.
    The notice has the reference and a link only: nothing the newcomer wrote."""
    if case.status in (Case.Status.WAITING, Case.Status.CLOSED):
        case_change_status(case=case, status=Case.Status.OPEN, actor=None)
    owner = case.owner
    if owner is None or not owner.is_active or not owner.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("cases:detail", kwargs={"pk": case.pk})
    email_queue(
        kind="conversations.reply_notice",
        to=owner.email,
        template="conversation_reply_notice",
        language=settings.LANGUAGE_CODE,
        context={"case": case, "case_url": settings.SITE_URL + path},
        case=case,
    )


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("conversations: could not delete stored file %s", name)
