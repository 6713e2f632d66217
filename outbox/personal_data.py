"""E-mails about a newcomer's cases (config.personal_data)."""

from django.db.models.functions import Greatest

from config.personal_data import ERASED_EMAIL, ERASED_TEXT, Export, Subject, iso
from outbox.models import OutboundEmail
from outbox.selectors import email_list_for_cases


class OutboxPersonalData:
    order = 50

    def export(self, subject: Subject) -> Export:
        return Export(
            sections={
                "emails": [
                    {
                        "kind": email.kind,
                        "to": email.to,
                        "subject": email.subject,
                        "body": email.body_text,
                        "status": email.status,
                        "created_at": iso(email.created_at),
                        "sent_at": iso(email.sent_at),
                    }
                    for email in email_list_for_cases(case_ids=list(subject.case_ids))
                ]
            }
        )

    def erase(self, subject: Subject) -> None:
        emails = OutboundEmail.objects.filter(case_id__in=subject.case_ids)
        # Unsent e-mails must not go out to a masked address: they fail, marked as erased.
        emails.filter(
            status__in=[OutboundEmail.Status.PENDING, OutboundEmail.Status.SENDING]
        ).update(
            status=OutboundEmail.Status.FAILED,
            attempts=Greatest("attempts", 1),
            last_error="erased",
        )
        emails.update(
            to=ERASED_EMAIL,
            subject=ERASED_TEXT,
            body_text=ERASED_TEXT,
            body_html="",
            attachments=[],
        )
