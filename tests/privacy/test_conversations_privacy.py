"""Export and erasure of e-mail conversations (conversations) through privacy."""

import io
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image

from cases.models import Case
from config.personal_data import ERASED_TEXT
from conversations.models import CaseMessage, CaseMessageAttachment, InboundEmail
from conversations.receive import inbound_process
from privacy.services import newcomer_anonymise_expired, newcomer_erase, newcomer_export_data


@pytest.fixture
def conversation(world, settings, tmp_path):
    """world.case with a message sent to Anna and her reply with a photo of her passport."""
    settings.MEDIA_ROOT = tmp_path
    CaseMessage.objects.create(
        case=world.case,
        direction=CaseMessage.Direction.OUTGOING,
        message_id="<out-1@tilflytt.example>",
        body="Hei Anna, send oss passet.",
        author=world.owner,
        created_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    )
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(png, "PNG")
    msg = EmailMessage()
    msg["From"] = "Anna Kowalska <anna@example.org>"
    msg["Subject"] = "Re: Passet"
    msg["Message-ID"] = "<reply-1@example.org>"
    msg["In-Reply-To"] = "<out-1@tilflytt.example>"
    msg["Date"] = "Tue, 03 Nov 2026 10:00:00 +0000"
    msg.set_content("Her er passet mitt, Anna Kowalska.")
    msg.add_attachment(png.getvalue(), maintype="image", subtype="png", filename="pass.png")
    inbound = inbound_process(raw=msg.as_bytes()).inbound
    world.reply = inbound.case_message
    world.attachment = world.reply.attachments.get()
    return world


def test_export_lists_the_conversation(conversation):
    (case,) = newcomer_export_data(newcomer=conversation.newcomer)["cases"]
    assert case["messages"] == [
        {
            "direction": "out",
            "at": "2026-11-02T09:00:00+00:00",
            "from": "",
            "text": "Hei Anna, send oss passet.",
            "full_text": "",
            "attachments": [],
        },
        {
            "direction": "in",
            "at": "2026-11-03T10:00:00+00:00",
            "from": "anna@example.org",
            "text": "Her er passet mitt, Anna Kowalska.",
            "full_text": "Her er passet mitt, Anna Kowalska.",
            "attachments": ["pass.png"],
        },
    ]


def test_erase_masks_messages_and_deletes_files_after_commit(
    conversation, django_capture_on_commit_callbacks
):
    path = conversation.attachment.path
    assert default_storage.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer_erase(newcomer=conversation.newcomer, actor=conversation.coordinator, reason="x")
    assert set(CaseMessage.objects.values_list("body", "full_text", "sender")) == {
        (ERASED_TEXT, ERASED_TEXT, "")
    }
    assert CaseMessage.objects.count() == 2  # the timeline keeps its rows
    assert not CaseMessageAttachment.objects.exists()
    assert not default_storage.exists(path)
    inbound = InboundEmail.objects.get()
    assert inbound.case_message == conversation.reply  # ids only, nothing to mask
    (case,) = newcomer_export_data(newcomer=conversation.newcomer)["cases"]
    assert "Anna" not in str(case["messages"])


def test_erase_rolled_back_keeps_the_files(conversation, django_capture_on_commit_callbacks):
    path = conversation.attachment.path
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                newcomer_erase(
                    newcomer=conversation.newcomer, actor=conversation.coordinator, reason="x"
                )
                raise RuntimeError("something later failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert default_storage.exists(path)
    assert CaseMessageAttachment.objects.count() == 1
    conversation.reply.refresh_from_db()
    assert conversation.reply.sender == "anna@example.org"


def test_retention_masks_messages(conversation, django_capture_on_commit_callbacks):
    old = datetime(2020, 1, 1, tzinfo=UTC)
    Case.objects.filter(pk=conversation.case.pk).update(
        status=Case.Status.CLOSED, closing_reason="answered", closed_at=old
    )
    type(conversation.newcomer).objects.filter(pk=conversation.newcomer.pk).update(created_at=old)
    path = conversation.attachment.path
    with django_capture_on_commit_callbacks(execute=True):
        assert newcomer_anonymise_expired(now=datetime(2026, 12, 1, tzinfo=UTC)) == [
            conversation.newcomer.pk
        ]
    conversation.reply.refresh_from_db()
    assert (conversation.reply.body, conversation.reply.sender) == (ERASED_TEXT, "")
    assert not default_storage.exists(path)


def test_erase_survives_a_file_that_cannot_be_deleted(
    conversation, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """One storage error must not stop the other deletions, nor fail the committed
    erasure; it is logged without the file's name."""
    from django.core.files.base import ContentFile

    second = default_storage.save("conversations/second.png", ContentFile(b"x"))
    CaseMessageAttachment.objects.create(
        message=conversation.reply, filename="b.png", mimetype="image/png", size=1, path=second
    )
    broken = conversation.attachment.path
    real_delete = default_storage.delete

    def delete(name):
        if name == broken:
            raise OSError("disk on fire")
        real_delete(name)

    monkeypatch.setattr(default_storage, "delete", delete)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer_erase(newcomer=conversation.newcomer, actor=conversation.coordinator, reason="x")
    assert not default_storage.exists(second)
    assert default_storage.exists(broken)
    conversation.newcomer.refresh_from_db()
    assert conversation.newcomer.erased_at is not None
    assert "1 of 2" in caplog.text
    assert broken not in caplog.text
