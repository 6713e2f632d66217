"""A newcomer's e-mail conversations (config.personal_data): the messages both ways and
the files that came with them."""

from django.core.files.storage import default_storage
from django.db import transaction

from config.personal_data import ERASED_TEXT, Export, Subject, files_delete, iso
from conversations.models import CaseMessage, CaseMessageAttachment


class ConversationsPersonalData:
    order = 40

    def export(self, subject: Subject) -> Export:
        export = Export(per_case={pk: {"messages": []} for pk in subject.case_ids})
        messages = (
            CaseMessage.objects.filter(case_id__in=subject.case_ids)
            .prefetch_related("attachments")
            .order_by("created_at", "pk")
        )
        for message in messages:
            export.per_case[message.case_id]["messages"].append(
                {
                    "direction": message.direction,
                    "at": iso(message.created_at),
                    "from": message.sender,
                    "text": message.body,
                    "full_text": message.full_text,
                    "attachments": [a.filename for a in message.attachments.all()],
                }
            )
        return export

    def erase(self, subject: Subject) -> None:
        # The texts and senders go; the rows stay for the timeline. Attachment files are
        # deleted once the masking has committed, their rows at once.
        messages = CaseMessage.objects.filter(case_id__in=subject.case_ids)
        messages.update(body=ERASED_TEXT, full_text=ERASED_TEXT, sender="")
        attachments = CaseMessageAttachment.objects.filter(message__case_id__in=subject.case_ids)
        paths = list(attachments.values_list("path", flat=True))
        transaction.on_commit(lambda: files_delete(default_storage, paths))
        attachments.delete()
