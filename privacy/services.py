"""Privacy writes: the access log, data requests, erasure and retention.

Erasure is a shredder in the pretix manner: export first, then mask in one transaction.
The rows stay (cases, events, e-mails, consents) so that the timeline and every dashboard
count keep their figures; only the values that identify a person, and free text that may
do so, are replaced.
"""

import json
import logging
from calendar import monthrange
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.functions import Greatest
from django.utils import timezone

from cases.models import Case, FollowUp, Note
from cases.services import case_event_record
from contacts.models import HouseholdMember, Newcomer
from contacts.selectors import staff_access
from conversations.models import CaseMessage, CaseMessageAttachment
from onboarding.models import PlanStep, WelcomePack
from outbox.models import OutboundEmail
from privacy.models import AccessLogEntry, DataRequest
from privacy.selectors import newcomer_export_data, newcomers_due_for_retention

logger = logging.getLogger(__name__)

ERASED_NAME = "Erased"
ERASED_TEXT = "[erased]"
ERASED_EMAIL = "erased@erased.invalid"  # a reserved domain: nothing can be sent there


def _role(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """The reach the user had at the time (one cached lookup, no query per row)."""
    if user is None:
        return "system"
    if getattr(user, "is_superuser", False):
        return "superuser"
    access = staff_access(user)
    if access.sees_all:
        return "coordinator"
    return "member" if access.organisation_ids else "none"


def access_log_record(
    *, user: AbstractBaseUser | AnonymousUser | None, action: str, obj: Case | Newcomer
) -> AccessLogEntry:
    """One row: who (id and role), what (type and id), which action, when. Ids only: the
    log never holds a personal value, so it can outlive erasure."""
    if isinstance(obj, Case):
        object_type, newcomer_id, case_id = "case", obj.newcomer_id, obj.pk
    else:
        object_type, newcomer_id, case_id = "newcomer", obj.pk, None
    entry = AccessLogEntry(
        user=user if user is not None and user.is_authenticated else None,
        role=_role(user),
        action=action,
        object_type=object_type,
        object_id=obj.pk,
        newcomer_id=newcomer_id,
        case_id=case_id,
    )
    entry.full_clean()
    entry.save()
    return entry


def add_months(value: datetime, months: int) -> datetime:
    """The same day `months` later (negative: earlier), clamped to the month's last day."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    day = min(value.day, monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def data_request_create(
    *,
    newcomer: Newcomer,
    kind: str,
    actor: AbstractBaseUser,
    received_at: datetime | None = None,
    reason: str = "",
) -> DataRequest:
    """A request to answer within one month of receipt (GDPR art. 12(3))."""
    received_at = received_at or timezone.now()
    request = DataRequest(
        newcomer=newcomer,
        kind=kind,
        received_at=received_at,
        due_at=add_months(received_at, 1),
        handled_by=actor,
        reason=reason.strip(),
    )
    request.full_clean()
    request.save()
    return request


def data_request_complete(*, request: DataRequest, actor: AbstractBaseUser) -> DataRequest:
    """Marks the request answered; answering it again keeps the first time."""
    DataRequest.objects.filter(pk=request.pk, done_at=None).update(
        done_at=timezone.now(), handled_by=actor
    )
    request.refresh_from_db()
    return request


def newcomer_export(
    *, newcomer: Newcomer, actor: AbstractBaseUser | None, action: str = "export"
) -> dict[str, Any]:
    """The newcomer's data as a dict (for JSON and the PDF); the export is logged first, so
    it lists itself."""
    if action in (AccessLogEntry.Action.EXPORT, AccessLogEntry.Action.PDF):
        access_log_record(user=actor, action=action, obj=newcomer)
    return newcomer_export_data(newcomer=newcomer)


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _files_delete(names: list[str]) -> None:
    """Deletes stored files after the erasure committed. Each file on its own: one that
    cannot be deleted (a storage error) must not keep the others, nor turn the committed
    erasure into an error page. What is left is logged by count only (no names: they may
    say whose file it was) for an administrator to clean up."""
    failed = 0
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            failed += 1
    if failed:
        logger.error("privacy: %d of %d erased files could not be deleted", failed, len(names))


def _mask(*, newcomer: Newcomer, now: datetime, actor: AbstractBaseUser | None, cause: str) -> None:
    """Replaces identifiers and free text; keeps every code the dashboard counts (status,
    channel, target group, topics, lifecycle, dates, municipality)."""
    Newcomer.objects.filter(pk=newcomer.pk).update(
        name=ERASED_NAME,
        email="",
        phone="",
        occupation="",
        partner_occupation="",
        interests="",
        erased_at=now,
        updated_at=now,
    )
    HouseholdMember.objects.filter(newcomer=newcomer).update(name="")
    cases = Case.objects.filter(newcomer=newcomer)
    cases.exclude(message="").update(message=ERASED_TEXT)
    Note.objects.filter(case__in=cases).update(body=ERASED_TEXT)
    # Follow-up titles and skip reasons are staff's free text and may name the person.
    FollowUp.objects.filter(case__in=cases).update(title=ERASED_TEXT)
    PlanStep.objects.filter(plan__case__in=cases).exclude(skip_reason="").update(
        skip_reason=ERASED_TEXT
    )
    # The stored PDFs go once the masking has committed (a rollback keeps them).
    files = list(
        WelcomePack.objects.filter(case__in=cases).exclude(file="").values_list("file", flat=True)
    )
    transaction.on_commit(lambda: _files_delete(files))
    WelcomePack.objects.filter(case__in=cases).update(recipient=ERASED_EMAIL, file="")
    WelcomePack.objects.filter(case__in=cases, status=WelcomePack.Status.PENDING).update(
        status=WelcomePack.Status.SKIPPED
    )
    # Conversations: the texts and senders of messages go; the rows stay for the timeline.
    # Attachment files are deleted once the masking has committed, their rows at once.
    messages = CaseMessage.objects.filter(case__in=cases)
    messages.update(body=ERASED_TEXT, full_text=ERASED_TEXT, sender="")
    attachments = CaseMessageAttachment.objects.filter(message__case__in=cases)
    attachment_files = list(attachments.values_list("path", flat=True))
    transaction.on_commit(lambda: _files_delete(attachment_files))
    attachments.delete()
    emails = OutboundEmail.objects.filter(case__in=cases)
    # Unsent e-mails must not go out to a masked address: they fail, marked as erased.
    emails.filter(status__in=[OutboundEmail.Status.PENDING, OutboundEmail.Status.SENDING]).update(
        status=OutboundEmail.Status.FAILED,
        attempts=Greatest("attempts", 1),
        last_error="erased",
    )
    emails.update(
        to=ERASED_EMAIL, subject=ERASED_TEXT, body_text=ERASED_TEXT, body_html="", attachments=[]
    )
    for case in cases:
        case_event_record(
            case=case,
            kind="contacts.newcomer.erased",
            actor=actor,
            data={"newcomer": newcomer.pk, "cause": cause},
        )


@transaction.atomic
def newcomer_erase(*, newcomer: Newcomer, actor: AbstractBaseUser, reason: str) -> dict[str, Any]:
    """Erases the newcomer on request, in one transaction, and returns the export taken just
    before (for the data subject, if they asked for it; it is not stored).

    1. Lock the row, so two coordinators erasing at once do it once.
    2. Export, then mask (privacy.services._mask), with a timeline event per case.
    3. Record the erasure as a done DataRequest (the reason is kept there) and one
       access-log row.
    Erasing an erased newcomer changes nothing and returns their (masked) data.
    """
    newcomer = Newcomer.objects.select_for_update().get(pk=newcomer.pk)
    data = newcomer_export_data(newcomer=newcomer)
    if newcomer.erased_at is not None:
        return data
    now = timezone.now()
    _mask(newcomer=newcomer, now=now, actor=actor, cause="request")
    request = DataRequest.objects.filter(
        newcomer=newcomer, kind=DataRequest.Kind.ERASURE, done_at=None
    ).first() or data_request_create(
        newcomer=newcomer, kind=DataRequest.Kind.ERASURE, actor=actor, received_at=now
    )
    DataRequest.objects.filter(pk=request.pk).update(
        done_at=now, handled_by=actor, reason=reason.strip()[:500]
    )
    access_log_record(user=actor, action=AccessLogEntry.Action.ERASE, obj=newcomer)
    return data


def newcomer_anonymise_expired(*, now: datetime, dry_run: bool = False) -> list[int]:
    """Anonymises newcomers whose cases have all been closed for RETENTION_MONTHS; returns
    their ids. Idempotent: erased newcomers are not selected again. Each newcomer is its
    own transaction, so one failure does not undo the others, and a run that stops half way
    is finished by the next one. Logged with ids and counts only."""
    cutoff = add_months(now, -settings.RETENTION_MONTHS)
    ids = list(newcomers_due_for_retention(cutoff=cutoff).values_list("pk", flat=True))
    if dry_run:
        return ids
    done: list[int] = []
    for pk in ids:
        with transaction.atomic():
            newcomer = Newcomer.objects.select_for_update().filter(pk=pk, erased_at=None).first()
            if newcomer is None:
                continue
            _mask(newcomer=newcomer, now=now, actor=None, cause="retention")
            access_log_record(user=None, action=AccessLogEntry.Action.ANONYMISE, obj=newcomer)
            done.append(pk)
    logger.info(
        "retention: anonymised %d newcomers (closed before %s): ids %s",
        len(done),
        cutoff.date().isoformat(),
        done,
    )
    return done
