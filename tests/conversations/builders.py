"""Plain builders for the conversation tests (this package's conftest is another module's)."""

from itertools import count

from django.utils import timezone

from cases.services import case_event_record
from conversations.models import CaseMessage, CaseMessageAttachment, ReplyTemplate

_seq = count(1)


def incoming(
    *, case, body="Thank you!", sender_known=True, sender=None, message_id=None, at=None
) -> CaseMessage:
    """A reply from the newcomer as conversations.receive records it."""
    n = next(_seq)
    message = CaseMessage.objects.create(
        case=case,
        direction=CaseMessage.Direction.INCOMING,
        message_id=message_id or f"<reply{n}@mail.example.org>",
        sender=sender or case.newcomer.email,
        sender_known=sender_known,
        body=body,
        created_at=at or timezone.now(),
    )
    case_event_record(
        case=case,
        kind="conversations.message.received",
        actor=None,
        data={"message": message.pk},
        at=message.created_at,
    )
    return message


def attachment(*, message, path, filename="letter.pdf", mimetype="application/pdf", size=5):
    return CaseMessageAttachment.objects.create(
        message=message, filename=filename, mimetype=mimetype, size=size, path=path
    )


def reply_template(*, name="Welcome", language="en", body="Hello {first_name}", active=True):
    return ReplyTemplate.objects.create(name=name, language=language, body=body, is_active=active)
