"""A newcomer's data in cases (config.personal_data): their cases with the enquiry text,
the timeline, notes, follow-ups and the messages they wrote from their own page."""

from typing import Any

from cases.models import Case, CaseEvent, FollowUp, NewcomerMessage, Note
from cases.search_fts import fts_purge
from config.personal_data import ERASED_TEXT, Export, Subject, iso
from contacts.selectors import staff_display_name


def _person(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": staff_display_name(user)}


class CasesPersonalData:
    order = 20

    def export(self, subject: Subject) -> Export:
        ids = subject.case_ids
        per_case: dict[int, dict[str, Any]] = {
            pk: {"events": [], "notes": [], "followups": [], "messages_from_newcomer": []}
            for pk in ids
        }
        events = CaseEvent.objects.filter(case_id__in=ids).select_related("actor")
        for event in events.order_by("created_at", "pk"):
            per_case[event.case_id]["events"].append(
                {
                    "kind": event.kind,
                    "at": iso(event.created_at),
                    "by": _person(event.actor),
                    "data": event.data,
                }
            )
        # Every note, confidential ones too: the copy is for the data subject.
        for note in Note.objects.filter(case_id__in=ids).select_related("author").order_by("pk"):
            per_case[note.case_id]["notes"].append(
                {
                    "at": iso(note.created_at),
                    "by": _person(note.author),
                    "visibility": note.visibility,
                    "body": note.body,
                }
            )
        followups = FollowUp.objects.filter(case_id__in=ids).select_related("assignee")
        for followup in followups.order_by("pk"):
            per_case[followup.case_id]["followups"].append(
                {
                    "title": followup.title,
                    "assignee": _person(followup.assignee),
                    "due_date": iso(followup.due_date),
                    "done_at": iso(followup.done_at),
                }
            )
        messages = NewcomerMessage.objects.filter(case_id__in=ids).order_by("created_at", "pk")
        for message in messages:
            per_case[message.case_id]["messages_from_newcomer"].append(
                {"at": iso(message.created_at), "text": message.body}
            )
        cases = (
            Case.objects.filter(pk__in=ids)
            .select_related("owner", "responsible_organisation")
            .prefetch_related("topics", "shared_with")
            .order_by("created_at", "pk")
        )
        return Export(
            sections={
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
                            case.responsible_organisation.name
                            if case.responsible_organisation
                            else None
                        ),
                        "shared_with": [org.name for org in case.shared_with.all()],
                        "owner": _person(case.owner),
                        "created_at": iso(case.created_at),
                        "closed_at": iso(case.closed_at),
                    }
                    for case in cases
                ]
            },
            per_case=per_case,
        )

    def erase(self, subject: Subject) -> None:
        """Free text goes; every code the dashboard counts stays (status, channel, topics,
        dates). Follow-up titles are staff's free text and may name the person."""
        ids = subject.case_ids
        Case.objects.filter(pk__in=ids).exclude(message="").update(message=ERASED_TEXT)
        Note.objects.filter(case_id__in=ids).update(body=ERASED_TEXT)
        FollowUp.objects.filter(case_id__in=ids).update(title=ERASED_TEXT)
        NewcomerMessage.objects.filter(case_id__in=ids).update(body=ERASED_TEXT)


class CasesSearchIndex:
    """SQLite's search table (cases.search_fts) holds nothing of its own to export: its rows
    follow contacts_newcomer by triggers. Runs after contacts has masked the newcomer (order
    90), to drop the old name's entries, which FTS5 only marks deleted."""

    order = 95

    def export(self, subject: Subject) -> Export:
        return Export()

    def erase(self, subject: Subject) -> None:
        fts_purge()
