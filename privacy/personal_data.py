"""The newcomer's data requests, and who accessed their data (config.personal_data).

Neither is masked on erasure: a request's dates and reason are the evidence that the
request was answered (GDPR art. 5(2)), and the access log holds ids and codes only.
"""

from typing import Any

from audit.selectors import access_log_for_newcomer
from config.personal_data import Export, Subject, iso
from contacts.selectors import staff_display_name
from privacy.models import DataRequest


def _person(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": staff_display_name(user)}


class PrivacyPersonalData:
    order = 80

    def export(self, subject: Subject) -> Export:
        requests = DataRequest.objects.filter(newcomer=subject.newcomer).order_by(
            "received_at", "pk"
        )
        return Export(
            sections={
                "data_requests": [
                    {
                        "kind": request.kind,
                        "received_at": iso(request.received_at),
                        "due_at": iso(request.due_at),
                        "done_at": iso(request.done_at),
                        "reason": request.reason,
                    }
                    for request in requests
                ],
                "access_log": [
                    {
                        "at": iso(row.created_at),
                        "user": _person(row.user),
                        "role": row.role,
                        "action": row.action,
                        "object": row.object_type,
                        "object_id": row.object_id,
                    }
                    for row in access_log_for_newcomer(newcomer_id=subject.newcomer.pk)
                ],
            }
        )

    def erase(self, subject: Subject) -> None:
        return None
