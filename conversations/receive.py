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
from django.db.models import Q
from django.utils import timezone, translation

from cases.links import case_page_link
from cases.models import Case
from cases.search import REFERENCE_PATTERN
from cases.selectors import case_staff_address
from cases.services import case_change_status, case_event_record, case_open
from cases.unread import case_mark_unread
from config.files import file_check
from contacts.models import Newcomer
from contacts.selectors import address_is_staff
from contacts.services import newcomer_email_failed, newcomer_email_works
from conversations.inbound import ParsedEmail, inbound_parse
from conversations.models import CaseMessage, CaseMessageAttachment, InboundEmail
from outbox.models import OutboundEmail
from outbox.services import email_queue

logger = logging.getLogger(__name__)


class InboundHeld(Exception):
    """Raised by inbound_process for a mail a person must handle: it matches no case by
    its headers and Tilflytt may not decide where it goes (from a staff user's or an
    organisation's address; a subject naming somebody else's case; an unverified mail from
    a known newcomer's address with no open case; no usable sender address; its sender
    opened CONVERSATIONS_NEW_CASES_PER_SENDER_PER_DAY cases in 24 hours). Nothing was
    committed.

    The poller catches it and sets \\Flagged on the mail WITHOUT \\Seen, and does not
    process a flagged mail again: it stays in the mailbox for a person. The message (a
    reason) holds no personal data and may be logged.
    """


Outcome = InboundEmail.Outcome
RefusedReason = InboundEmail.RefusedReason

# A case reference anywhere in a subject ("Re: Your enquiry NR-2026-0042").
SUBJECT_REFERENCE = re.compile(
    r"\b" + REFERENCE_PATTERN.pattern.removeprefix("^").removesuffix("$") + r"\b"
)
# A known newcomer's mail that answers nothing opens a new case, except within this long
# after an e-mail of theirs opened one: then it joins that case (a burst of documents).
NEW_MAIL_JOINS_WITHIN = timedelta(hours=24)
# A mail dated further back than this, or in the future, is dated when it was processed:
# the Date header is the sender's clock and may be anything.
DATE_MAX_AGE = timedelta(days=60)
# A bounce that names no Message-ID of ours is tied to our latest e-mail to the recipient
# it names, sent within this long before it came (bounces come within minutes, a
# retrying server's within days).
BOUNCE_MATCH_WITHIN = timedelta(days=7)
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
    4. A mail that must wait for a person raises InboundHeld out of the transaction:
       nothing is committed, not even the InboundEmail row.
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
                outcome=_IGNORED.get(parsed.kind, Outcome.ATTACHED),
                received_at=_sane_date(parsed.date, now),
                processed_at=now,
            )
            inbound.full_clean(validate_unique=False, validate_constraints=False)
            inbound.save()
            if parsed.kind == "bounce":
                _handle_bounce(inbound=inbound, parsed=parsed, now=now)
            elif parsed.kind == "reply" and _is_ours(parsed.message_id):
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
    """Where a reply goes, in this order (_case_for, _subject_case_for, _newcomer_case_for):
    1. The case of a mail the team sent to the newcomer, found by its headers.
    2. From a staff user's or an organisation's address: InboundHeld (a colleague's
       forward, an employer's question: a person decides).
    3. The case whose reference is in the subject, only when the sender is that case's
       newcomer. A subject naming another's case: a known newcomer's mail goes on as in
       4; anybody else's is InboundHeld (anybody can type a reference).
    4. A known newcomer: a new case for them, or the case an e-mail of theirs opened
       within the last day if it is not closed.
    5. A new case for a new, unverified newcomer, within the per-sender daily limit;
       without a usable address or over the limit, InboundHeld (nothing is kept).

    With CONVERSATIONS_SENDER_CHECK = "dmarc" and a From address our mail server did not
    vouch for (parsed.sender_authenticated False), anybody could have written that From:
    its sender is never taken for the newcomer, on a case that existed before it changes
    nothing (no reopening, no files kept), and a known newcomer's address with no open
    case is InboundHeld rather than a new case in their name.
    """
    sender = _valid_address(parsed.sender)
    # None: the check is off, and the From address is taken at its word.
    unverified = parsed.sender_authenticated is False
    received_at = inbound.received_at or now
    match = _case_for(parsed=parsed, sender=sender)
    if match is None and address_is_staff(sender):
        raise InboundHeld("from a staff user's or an organisation's address")
    if match is None:
        match = _subject_case_for(parsed=parsed, sender=sender, unverified=unverified)
        if match is not None and unverified:
            # Trusted by its subject only for its From address, which proves nothing here.
            match = (match[0], False, False)
    if match is not None:
        inbound.outcome = Outcome.ATTACHED
        case, sender_known, trusted = match
        # Found by its headers, it answers our mail whoever sent it: trusted stays.
        sender_known = sender_known and not unverified
    else:
        case, opened = _newcomer_case_for(
            parsed=parsed, sender=sender, now=now, at=received_at, unverified=unverified
        )
        # The newcomer found (or made) by the From address: a case opened for this mail
        # has nothing of anyone's to protect, an existing one does.
        sender_known, trusted = not unverified, opened or not unverified
        inbound.outcome = Outcome.NEW_CASE if opened else Outcome.ATTACHED
    message = CaseMessage(
        case=case,
        direction=CaseMessage.Direction.INCOMING,
        message_id=parsed.message_id,
        sender=sender,
        sender_known=sender_known,
        sender_authenticated=parsed.sender_authenticated,
        body=parsed.text,
        full_text=parsed.full_text,
        created_at=received_at,
    )
    # An empty body is allowed here: a mail may be only an attachment. Uniqueness of the
    # Message-ID is already held by the InboundEmail row inserted first.
    message.full_clean(exclude=["body"], validate_unique=False, validate_constraints=False)
    message.save()
    if trusted:
        refused = _attachments_store(message=message, parsed=parsed, written=written)
        reason = RefusedReason.RULES
    else:
        # Anybody could have sent it: their files are not kept.
        refused = len(parsed.attachments)
        reason = RefusedReason.UNVERIFIED if unverified else RefusedReason.SENDER
    refused += parsed.attachments_unreadable
    inbound.attachments_refused = min(refused, 32767)
    inbound.attachments_refused_reason = reason if refused else ""
    case_event_record(
        case=case,
        kind="conversations.message.received",
        actor=None,
        data={"message": message.pk},
        at=received_at,
    )
    case_mark_unread(case=case, at=received_at)
    if inbound.outcome == Outcome.ATTACHED:
        if trusted:
            _reopen(case=case)
        _notify(case=case)
    if sender and not unverified:
        # Mail came from this address, so mail to it gets through (bounces said otherwise).
        newcomer_email_works(address=sender)
    inbound.case = case
    inbound.case_message = message
    inbound.save(
        update_fields=[
            "outcome",
            "case",
            "case_message",
            "attachments_refused",
            "attachments_refused_reason",
        ]
    )


def _handle_bounce(*, inbound: InboundEmail, parsed: ParsedEmail, now: datetime) -> None:
    """A delivery report about one of our e-mails: that e-mail is marked failed
    ("bounced"), once, and when it went to the case's newcomer's current address the
    case's timeline says so and the newcomer's address is marked as failing
    (Newcomer.email_failing_since, shown on the case page). A bounce never opens a case;
    one tied to none of our e-mails stays an InboundEmail row with outcome "bounce" and no
    case, counted for coordinators on "My work" (selectors.mailbox_status_for_notice).

    Only a report with a failure marks (parsed.bounce_failures: not a delay notice, a
    delivery or relay report), and only when the failure names no recipient or names the
    e-mail's `to`. Which e-mail: the one with the Message-ID the report names; a report
    that names none is tied to our latest e-mail to a failed recipient it names, sent
    within BOUNCE_MATCH_WITHIN. The claim is a conditional update, so a report read twice
    (or two reports for one e-mail) changes it once; only a sent e-mail is marked."""
    if not parsed.bounce_failures:
        return
    if parsed.bounced_message_id:
        email = OutboundEmail.objects.filter(
            message_id=parsed.bounced_message_id, case_id__isnull=False
        ).first()
    else:
        email = _bounced_by_recipient(parsed=parsed, now=now)
    case = (
        Case.objects.select_related("newcomer").filter(pk=email.case_id).first()
        if email is not None and email.case_id is not None
        else None
    )
    if email is None or case is None:
        return
    to = email.to.strip().lower()
    if not any(not names or to in names for names in parsed.bounce_failures):
        return
    inbound.case = case
    inbound.save(update_fields=["case"])
    claimed = OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.SENT).update(
        status=OutboundEmail.Status.FAILED, sent_at=None, last_error="bounced"
    )
    newcomer_email = case.newcomer.email.strip().lower()
    if claimed and newcomer_email and to == newcomer_email:
        newcomer_email_failed(
            newcomer_id=case.newcomer_id, address=to, at=inbound.received_at or now
        )
        case_event_record(
            case=case,
            kind="conversations.message.bounced",
            actor=None,
            data={"email": email.pk},
        )


def _bounced_by_recipient(*, parsed: ParsedEmail, now: datetime) -> OutboundEmail | None:
    """Our latest sent e-mail on a case to an address the report names as failed."""
    names = {address for block in parsed.bounce_failures for address in block if "@" in address}
    if not names:
        return None
    matches = Q()
    for address in sorted(names)[:20]:
        matches |= Q(to__iexact=address)
    return (
        OutboundEmail.objects.filter(
            matches,
            case_id__isnull=False,
            status=OutboundEmail.Status.SENT,
            sent_at__gte=now - BOUNCE_MATCH_WITHIN,
        )
        .order_by("-sent_at", "-pk")
        .first()
    )


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


def _locked_case(pk: int) -> Case | None:
    """The case, locked with its newcomer's row, unless the newcomer is erased.

    newcomer_erase locks the newcomer's row; locking it here too makes the two wait for
    each other, so a mail cannot land on a case whose newcomer was erased after it was
    looked up (the erasure committed between the look-up and our insert). The check is
    made on the row read under the lock. SQLite serialises writers and ignores the lock.
    """
    case = (
        Case.objects.select_related("newcomer", "owner", "responsible_organisation")
        .select_for_update(of=("self", "newcomer"))
        .filter(pk=pk)
        .first()
    )
    if case is None or case.newcomer.erased_at is not None:
        return None
    return case


def _is_newcomers(case: Case, sender: str) -> bool:
    return bool(sender) and sender == case.newcomer.email.strip().lower()


def _case_for(*, parsed: ParsedEmail, sender: str) -> tuple[Case, bool, bool] | None:
    """The case the mail answers by its headers, whether its sender is the newcomer, and
    whether it is trusted (True: it answers our mail).

    The newest Message-ID in In-Reply-To, then References from the newest, that is a
    message the team sent to the newcomer: an outgoing CaseMessage, or an e-mail of the
    outbox addressed to the case's newcomer (the intake receipt, a reminder). Notices the
    outbox sent to staff do not count: an owner answering one is not the newcomer.
    Having the Message-ID shows the sender got our mail, so a reply from another address
    (a partner) is kept on the case, with its sender marked as not the newcomer.
    Cases of erased newcomers are never matched.
    """
    ids = [i for i in dict.fromkeys([parsed.in_reply_to, *reversed(parsed.references)]) if i]
    if not ids:
        return None
    found: dict[str, int] = dict(
        CaseMessage.objects.filter(
            message_id__in=ids, direction=CaseMessage.Direction.OUTGOING
        ).values_list("message_id", "case_id")
    )
    # The outbox knows cases by id only: the newcomers' addresses come in a second query.
    sent = list(
        OutboundEmail.objects.filter(message_id__in=ids, case_id__isnull=False).values_list(
            "message_id", "case_id", "to"
        )
    )
    addresses = dict(
        Case.objects.filter(pk__in={case_id for _mid, case_id, _to in sent}).values_list(
            "pk", "newcomer__email"
        )
    )
    for message_id, case_id, to in sent:
        if case_id is None:  # excluded by the query; the column itself may be empty
            continue
        newcomer_email = addresses.get(case_id) or ""
        if newcomer_email and to.strip().lower() == newcomer_email.strip().lower():
            found.setdefault(message_id, case_id)
    for message_id in ids:
        if message_id in found:
            case = _locked_case(found[message_id])
            if case is not None:
                return case, _is_newcomers(case, sender), True
    return None


def _subject_case_for(
    *, parsed: ParsedEmail, sender: str, unverified: bool
) -> tuple[Case, bool, bool] | None:
    """The case whose reference is in the subject, when the sender is its newcomer (their
    own address). Anybody can type a reference: when the subject names only other people's
    cases, a known newcomer's mail (not erased, sender not unverified) goes where any mail
    of theirs goes (None), and anybody else's is held for a person (InboundHeld): it is
    neither put on the named case nor announced."""
    named = False
    for reference in dict.fromkeys(r.lower() for r in SUBJECT_REFERENCE.findall(parsed.subject)):
        pk = (
            Case.objects.filter(reference__iexact=reference, newcomer__erased_at=None)
            .values_list("pk", flat=True)
            .first()
        )
        case = _locked_case(pk) if pk is not None else None
        if case is None:
            continue
        if _is_newcomers(case, sender):
            return case, True, True
        named = True
    if not named:
        return None
    known = (
        bool(sender)
        and not unverified
        and Newcomer.objects.filter(email__iexact=sender, erased_at=None).exists()
    )
    if not known:
        raise InboundHeld("the subject names the case of somebody else")
    return None


def _newcomer_case_for(
    *, parsed: ParsedEmail, sender: str, now: datetime, at: datetime, unverified: bool
) -> tuple[Case, bool]:
    """The case for a mail that answers none: for a known newcomer, a new case, unless an
    e-mail of theirs opened one within NEW_MAIL_JOINS_WITHIN that is not closed (several
    mails with one document each make one case); True when it was opened.

    Only a new case for an unknown or unverified sender counts towards
    CONVERSATIONS_NEW_CASES_PER_SENDER_PER_DAY in 24 hours (a loop with an unknown
    auto-responder, or a flood, must not fill the case list). Over it, or without a usable
    address, InboundHeld: the mail stays in the mailbox for a person. The count is not
    locked: two mails at the same instant may both pass, which is fine for a brake.

    An unverified mail (`unverified`) from a known newcomer's address with no open case is
    InboundHeld too: a new case in their name would show a stranger's words (and files) as
    theirs.
    """
    if not sender:
        raise InboundHeld("no usable sender address")
    newcomer = (
        Newcomer.objects.select_for_update()
        .filter(email__iexact=sender, erased_at=None)
        .order_by("-updated_at", "-pk")
        .first()
    )
    if newcomer is not None:
        cases = Case.objects.filter(newcomer=newcomer).exclude(status=Case.Status.CLOSED)
        if not unverified:
            # A mail that answers nothing is a new enquiry, as in any helpdesk: a new case.
            # Only a burst (several mails within a day, a document each) joins the case the
            # first of them opened. An unverified mail never opens one in their name (below).
            cases = cases.filter(
                channel=Case.Channel.EMAIL, created_at__gte=now - NEW_MAIL_JOINS_WITHIN
            )
        open_case = cases.order_by("-created_at", "-pk").values_list("pk", flat=True).first()
        case = _locked_case(open_case) if open_case is not None else None
        if case is not None:
            return case, False
        if unverified:
            raise InboundHeld("unverified mail from a known newcomer without an open case")
    if newcomer is None or newcomer.is_unverified:
        recent = InboundEmail.objects.filter(
            outcome=Outcome.NEW_CASE,
            processed_at__gt=now - timedelta(hours=24),
            case_message__sender__iexact=sender,
        ).count()
        if recent >= settings.CONVERSATIONS_NEW_CASES_PER_SENDER_PER_DAY:
            raise InboundHeld("too many new cases from this sender today")
    if newcomer is None:
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
    case = case_open(
        newcomer=newcomer,
        channel=Case.Channel.EMAIL,
        message=parsed.text[:CASE_MESSAGE_MAX_CHARS],
        # case_open refuses a time after its own now (a `now` passed by a test).
        received_at=at if at <= timezone.now() else None,
    )
    return case, True


def _attachments_store(*, message: CaseMessage, parsed: ParsedEmail, written: list[str]) -> int:
    """Stores the files that pass config.files under generated names (the sender's name
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


def _reopen(*, case: Case) -> None:
    """A reply puts a waiting or closed case back in the team's work."""
    if case.status in (Case.Status.WAITING, Case.Status.CLOSED):
        case_change_status(case=case, status=Case.Status.OPEN, actor=None)


def _notify(*, case: Case) -> None:
    """Tells the case's owner (else its responsible organisation, the rule of the
    newcomer's own page) that an e-mail arrived. The notice has the reference and a link
    only: nothing the mail said, nor who sent it."""
    to = case_staff_address(case=case)
    if not to:
        return
    with translation.override(settings.LANGUAGE_CODE):
        case_url = case_page_link(case.pk)
    email_queue(
        kind="conversations.reply_notice",
        to=to,
        template="conversation_reply_notice",
        language=settings.LANGUAGE_CODE,
        context={"case": case, "case_url": case_url},
        case_id=case.pk,
    )


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("conversations: could not delete stored file %s", name)
