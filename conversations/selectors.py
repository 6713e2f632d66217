"""Reads on conversations. Which case a user may see is cases.selectors' one rule; these
take a case already fetched through it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case as CaseWhen
from django.db.models import Count, IntegerField, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from cases.models import Case
from conversations.models import (
    CaseMessage,
    CaseMessageAttachment,
    InboundEmail,
    MailboxStatus,
    ReplyTemplate,
)
from outbox.models import OutboundEmail

# The poll runs every minute: a quarter of an hour without a successful one is no hiccup.
MAILBOX_STALE_AFTER = timedelta(minutes=15)
# "My work" counts the bounces tied to none of our e-mails that came within this long.
UNMATCHED_BOUNCES_WITHIN = timedelta(days=7)


def message_list_for_case(*, case: Case) -> QuerySet[CaseMessage]:
    """The case's messages, newest first, with what the timeline and the API show."""
    return (
        CaseMessage.objects.filter(case=case)
        .select_related("author", "email")
        .prefetch_related("attachments")
        .order_by("-created_at", "-pk")
    )


def message_list_for_newcomer(*, newcomer_id: int, limit: int) -> list[CaseMessage]:
    """The newest `limit` e-mails between the team and the newcomer on any of their cases,
    newest first, for their own page: e-mails from their own address, and the team's
    e-mails that were actually sent (not those still queued or that failed). Internal notes
    are no messages and never here."""
    from_them = Q(direction=CaseMessage.Direction.INCOMING, sender_known=True)
    to_them = Q(direction=CaseMessage.Direction.OUTGOING, email__status=OutboundEmail.Status.SENT)
    return list(
        CaseMessage.objects.filter(case__newcomer_id=newcomer_id)
        .filter(from_them | to_them)
        .only("pk", "direction", "body", "created_at", "case_id", "email", "email__sent_at")
        .select_related("email")
        .order_by("-created_at", "-pk")[:limit]
    )


def message_in_bulk(*, ids: set[int], case_ids: set[int]) -> dict[int, CaseMessage]:
    """Messages by id for a page of timeline events (with their outbox row, and the
    InboundEmail row that counts refused attachments), in one query plus one for all their
    attachments. Limited to the events' cases, so an event cannot show another case's
    message."""
    if not ids:
        return {}
    return {
        message.pk: message
        for message in CaseMessage.objects.filter(pk__in=ids, case_id__in=case_ids)
        .select_related("email", "inbound")
        .prefetch_related("attachments")
    }


def get_attachment_for_case(*, case: Case, pk: int) -> CaseMessageAttachment:
    """An attachment of a message on this (already visible) case; any other is a 404."""
    try:
        return CaseMessageAttachment.objects.get(pk=pk, message__case=case)
    except (CaseMessageAttachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def reply_template_list_for_language(*, language: str) -> QuerySet[ReplyTemplate]:
    """Templates in use, those in `language` first, then the others by language and name."""
    return (
        ReplyTemplate.objects.filter(is_active=True)
        .annotate(
            other_language=CaseWhen(
                When(language=language, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("other_language", "language", "name")
    )


def reply_template_list() -> QuerySet[ReplyTemplate]:
    """Every template, in use or not, for the coordinators' list."""
    return ReplyTemplate.objects.select_related("updated_by").order_by(
        "-is_active", "name", "language"
    )


@dataclass(frozen=True)
class MailboxNotice:
    """What "My work" tells coordinators about the team mailbox: stale when no poll has
    succeeded within MAILBOX_STALE_AFTER (last_success_at None: never), the mails that
    wait there, flagged, for a person, and the delivery reports of the last
    UNMATCHED_BOUNCES_WITHIN that were tied to none of our e-mails (they opened no case
    and marked nothing; the admin lists them)."""

    stale: bool
    last_success_at: datetime | None
    error_class: str
    waiting: int
    unmatched_bounces: int = 0


def _mailbox_status() -> MailboxStatus | None:
    return MailboxStatus.objects.filter(folder=settings.IMAP_FOLDER).first()


def inbound_unmatched_bounces(*, now: datetime) -> QuerySet[InboundEmail]:
    """Bounces of the last UNMATCHED_BOUNCES_WITHIN tied to none of our e-mails."""
    return InboundEmail.objects.filter(
        outcome=InboundEmail.Outcome.BOUNCE,
        case=None,
        processed_at__gt=now - UNMATCHED_BOUNCES_WITHIN,
    )


def mailbox_status_for_notice(*, now: datetime) -> MailboxNotice | None:
    """None (and no query) without IMAP_HOST or when all is well; otherwise one query (the
    status row with the count of unmatched bounces), two when the mailbox was never
    polled."""
    if not settings.IMAP_HOST:
        return None
    # One row per outcome after the filter, so one row: its count, in the same query.
    unmatched = (
        inbound_unmatched_bounces(now=now)
        .order_by()
        .values("outcome")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    status = (
        MailboxStatus.objects.filter(folder=settings.IMAP_FOLDER)
        .annotate(unmatched_bounces=Coalesce(Subquery(unmatched), 0))
        .first()
    )
    if status is None:  # never polled (is the beat running?)
        return MailboxNotice(
            stale=True,
            last_success_at=None,
            error_class="",
            waiting=0,
            unmatched_bounces=inbound_unmatched_bounces(now=now).count(),
        )
    stale = status.is_stale(now, after=MAILBOX_STALE_AFTER)
    bounces: int = status.unmatched_bounces
    if not stale and not status.waiting_for_a_person and not bounces:
        return None
    return MailboxNotice(
        stale=stale,
        last_success_at=status.last_success_at,
        error_class=status.error_class,
        waiting=status.waiting_for_a_person,
        unmatched_bounces=bounces,
    )


def mailbox_health(*, now: datetime) -> str:
    """For /healthz: "ok", "stale" (no poll succeeded within MAILBOX_STALE_AFTER, or ever)
    or "not configured" (no IMAP_HOST). No counts or errors: /healthz is public."""
    if not settings.IMAP_HOST:
        return "not configured"
    status = _mailbox_status()
    if status is None or status.is_stale(now, after=MAILBOX_STALE_AFTER):
        return "stale"
    return "ok"
