"""Reads for the privacy screens: access logs, data requests, a newcomer's full export and
the newcomers due for anonymisation."""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.models import Case, CaseEvent, FollowUp, Note
from contacts.models import Newcomer
from contacts.selectors import staff_display_name
from conversations.models import CaseMessage
from onboarding.models import PlanStep, WelcomePack
from outbox.models import OutboundEmail
from privacy.models import AccessLogEntry, DataRequest


def access_log_for_case(*, case: Case) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(case_id=case.pk).select_related("user")


def access_log_for_user(*, user_id: int) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(user_id=user_id).select_related("user")


def access_log_recent() -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.select_related("user")


def data_request_list() -> QuerySet[DataRequest]:
    """Open requests first, by due date (the overdue ones at the top), then done ones."""
    return DataRequest.objects.select_related("handled_by").order_by("done_at", "due_at", "-pk")


def data_request_overdue(*, now: datetime) -> QuerySet[DataRequest]:
    return DataRequest.objects.filter(done_at=None, due_at__lt=now)


def newcomers_due_for_retention(*, cutoff: datetime) -> QuerySet[Newcomer]:
    """Newcomers not yet erased, recorded before the cutoff, none of whose cases is open
    or was closed after the cutoff."""
    recent_or_open = Case.objects.filter(newcomer_id=OuterRef("pk")).filter(
        ~Q(status=Case.Status.CLOSED) | Q(closed_at__gt=cutoff)
    )
    return (
        Newcomer.objects.filter(erased_at=None, created_at__lt=cutoff)
        .filter(~Exists(recent_or_open))
        .order_by("pk")
    )


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": staff_display_name(user)}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def newcomer_export_data(*, newcomer: Newcomer) -> dict[str, Any]:
    """Everything stored about the newcomer, for the data subject: their record, household,
    consents, cases with their timeline, every note (confidential ones too: the export is
    theirs), follow-ups, plan steps, e-mail conversations, e-mails sent, welcome packs and
    who accessed their data. A fixed number of queries per case."""
    fields = [
        "id",
        "name",
        "email",
        "phone",
        "preferred_language",
        "planned_move_date",
        "moved_at",
        "lifecycle",
        "target_group",
        "occupation",
        "partner_needs_work",
        "partner_occupation",
        "interests",
        "heard_via",
        "consent_given_at",
        "consent_text_version",
        "created_at",
        "updated_at",
        "erased_at",
    ]
    record: dict[str, Any] = {}
    for name in fields:
        value = getattr(newcomer, name)
        record[name] = value.isoformat() if hasattr(value, "isoformat") else value
    record["municipality"] = newcomer.municipality.name if newcomer.municipality else None
    record["locality"] = newcomer.locality.name if newcomer.locality else None

    cases = list(
        Case.objects.filter(newcomer=newcomer)
        .select_related("owner", "responsible_organisation")
        .prefetch_related("topics", "shared_with")
        .order_by("created_at", "pk")
    )
    case_ids = [case.pk for case in cases]
    by_case: dict[int, dict[str, list[Any]]] = {
        pk: {
            "events": [],
            "notes": [],
            "followups": [],
            "plan_steps": [],
            "welcome_packs": [],
            "messages": [],
        }
        for pk in case_ids
    }
    for event in CaseEvent.objects.filter(case_id__in=case_ids).select_related("actor"):
        by_case[event.case_id]["events"].append(
            {
                "kind": event.kind,
                "at": _iso(event.created_at),
                "by": _person(event.actor),
                "data": event.data,
            }
        )
    for note in Note.objects.filter(case_id__in=case_ids).select_related("author"):
        by_case[note.case_id]["notes"].append(
            {
                "at": _iso(note.created_at),
                "by": _person(note.author),
                "visibility": note.visibility,
                "body": note.body,
            }
        )
    for followup in FollowUp.objects.filter(case_id__in=case_ids).select_related("assignee"):
        by_case[followup.case_id]["followups"].append(
            {
                "title": followup.title,
                "assignee": _person(followup.assignee),
                "due_date": _iso(followup.due_date),
                "done_at": _iso(followup.done_at),
            }
        )
    for step in PlanStep.objects.filter(plan__case_id__in=case_ids).select_related("plan"):
        by_case[step.plan.case_id]["plan_steps"].append(
            {
                "title": step.title_en,
                "due_date": _iso(step.due_date),
                "status": step.status,
                "skip_reason": step.skip_reason,
            }
        )
    for pack in WelcomePack.objects.filter(case_id__in=case_ids):
        by_case[pack.case_id]["welcome_packs"].append(
            {
                "language": pack.language,
                "recipient": pack.recipient,
                "status": pack.status,
                "created_at": _iso(pack.created_at),
                "sent_at": _iso(pack.queued_at),
            }
        )
    # E-mail conversations on the cases, both ways (conversations), with attachment names.
    for message in (
        CaseMessage.objects.filter(case_id__in=case_ids)
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    ):
        by_case[message.case_id]["messages"].append(
            {
                "direction": message.direction,
                "at": _iso(message.created_at),
                "from": message.sender,
                "text": message.body,
                "full_text": message.full_text,
                "attachments": [a.filename for a in message.attachments.all()],
            }
        )
    emails = [
        {
            "kind": email.kind,
            "to": email.to,
            "subject": email.subject,
            "body": email.body_text,
            "status": email.status,
            "created_at": _iso(email.created_at),
            "sent_at": _iso(email.sent_at),
        }
        for email in OutboundEmail.objects.filter(case_id__in=case_ids).order_by("created_at")
    ]
    access_log = [
        {
            "at": _iso(row.created_at),
            "user": _person(row.user),
            "role": row.role,
            "action": row.action,
            "object": row.object_type,
            "object_id": row.object_id,
        }
        for row in AccessLogEntry.objects.filter(newcomer_id=newcomer.pk)
        .select_related("user")
        .order_by("created_at", "pk")
    ]
    return {
        "newcomer": record,
        "household": [
            {"relation": m.relation, "name": m.name, "birth_year": m.birth_year}
            for m in newcomer.household.all()
        ],
        "consents": [
            {
                "scope": c.scope,
                "text_version": c.text_version,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in newcomer.consents.order_by("given_at", "pk")
        ],
        "cases": [
            {
                "id": case.pk,
                "reference": case.reference,
                "channel": case.channel,
                "status": case.status,
                "closing_reason": case.closing_reason,
                "priority": case.priority,
                "message": case.message,
                "topics": [topic.slug for topic in case.topics.all()],
                "responsible_organisation": (
                    case.responsible_organisation.name if case.responsible_organisation else None
                ),
                "shared_with": [org.name for org in case.shared_with.all()],
                "owner": _person(case.owner),
                "created_at": _iso(case.created_at),
                "closed_at": _iso(case.closed_at),
                **by_case[case.pk],
            }
            for case in cases
        ],
        "emails": emails,
        "access_log": access_log,
    }


def staff_user_get(*, pk: Any) -> Any:
    return get_user_model().objects.filter(pk=pk).first()
