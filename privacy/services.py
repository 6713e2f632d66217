"""Privacy writes: data requests, a newcomer's copy of their data, erasure and retention.

Erasure is a shredder in the pretix manner: export first, then mask, in one transaction.
Each app exports and masks its own data (config.personal_data, one unit per app); this
module only runs the units and logs. The rows stay (cases, events, e-mails, consents) so
that the timeline and every dashboard count keep their figures; only the values that
identify a person, and free text that may do so, are replaced.
"""

import json
import logging
from calendar import monthrange
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from audit.models import AccessLogEntry
from cases.models import Case
from cases.services import case_event_record
from config.personal_data import ERASED_NAME, Subject, units_in_order
from contacts.models import Newcomer
from contacts.services import newcomer_access_log
from privacy.models import DataRequest
from privacy.selectors import newcomers_due_for_retention

logger = logging.getLogger(__name__)

__all__ = ["ERASED_NAME"]


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
    actor: User,
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


def data_request_complete(*, request: DataRequest, actor: User) -> DataRequest:
    """Marks the request answered; answering it again keeps the first time."""
    DataRequest.objects.filter(pk=request.pk, done_at=None).update(
        done_at=timezone.now(), handled_by=actor
    )
    request.refresh_from_db()
    return request


def _subject(
    newcomer: Newcomer, *, now: datetime | None = None, actor: Any = None, cause: str = "request"
) -> Subject:
    case_ids = tuple(
        Case.objects.filter(newcomer=newcomer)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return Subject(
        newcomer=newcomer, case_ids=case_ids, now=now or timezone.now(), actor=actor, cause=cause
    )


def newcomer_export_data(*, newcomer: Newcomer) -> dict[str, Any]:
    """Everything stored about the newcomer, for the data subject, from every app's unit:
    their record, household, consents and links, their cases with the timeline, every note
    (confidential ones too: the copy is theirs), follow-ups, their own messages, plan steps,
    welcome packs and e-mail conversations, the e-mails sent, their data requests and who
    accessed their data. A fixed number of queries per unit."""
    subject = _subject(newcomer)
    sections: dict[str, Any] = {}
    per_case: dict[int, dict[str, Any]] = {pk: {} for pk in subject.case_ids}
    for name, unit in units_in_order():
        part = unit.export(subject)
        clash = set(part.sections) & set(sections)
        if clash:
            raise RuntimeError(f"personal data unit {name!r} repeats sections {sorted(clash)}")
        sections.update(part.sections)
        for case_id, values in part.per_case.items():
            per_case[case_id].update(values)
    for case in sections.get("cases", []):
        case.update(per_case.get(case["id"], {}))
    # The record first, as a reader expects it.
    ordered: dict[str, Any] = {
        key: sections.pop(key) for key in ("newcomer", "household", "consents") if key in sections
    }
    return {**ordered, **sections}


def newcomer_export(
    *, newcomer: Newcomer, actor: User | None, action: str = "export"
) -> dict[str, Any]:
    """The newcomer's data as a dict (for JSON and the PDF); the export is logged first, so
    it lists itself."""
    if action in (AccessLogEntry.Action.EXPORT, AccessLogEntry.Action.PDF):
        newcomer_access_log(user=actor, action=action, newcomer=newcomer)
    return newcomer_export_data(newcomer=newcomer)


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _mask(*, newcomer: Newcomer, now: datetime, actor: User | None, cause: str) -> None:
    """Runs every app's eraser (config.personal_data) in order, inside the caller's
    transaction, then records the erasure on each case's timeline."""
    subject = _subject(newcomer, now=now, actor=actor, cause=cause)
    for _name, unit in units_in_order():
        unit.erase(subject)
    for case in Case.objects.filter(pk__in=subject.case_ids):
        case_event_record(
            case=case,
            kind="contacts.newcomer.erased",
            actor=actor,
            data={"newcomer": newcomer.pk, "cause": cause},
        )


@transaction.atomic
def newcomer_erase(*, newcomer: Newcomer, actor: User, reason: str) -> dict[str, Any]:
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
    newcomer_access_log(user=actor, action=AccessLogEntry.Action.ERASE, newcomer=newcomer)
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
            newcomer_access_log(
                user=None, action=AccessLogEntry.Action.ANONYMISE, newcomer=newcomer
            )
            done.append(pk)
    logger.info(
        "retention: anonymised %d newcomers (closed before %s): ids %s",
        len(done),
        cutoff.date().isoformat(),
        done,
    )
    return done
