"""message_send: what goes out (headers, subject, body), what the case records, and when
it refuses."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Case, CaseEvent
from contacts.models import Newcomer
from conversations.models import CaseMessage
from conversations.services import REFERENCES_KEPT, message_send
from outbox.models import OutboundEmail
from tests import factories as f
from tests.conversations.builders import incoming

pytestmark = pytest.mark.django_db


def _send(world, django_capture_on_commit_callbacks, **kwargs):
    kwargs.setdefault("body", "Hello Anna,\nthe kindergarten has a place for you.")
    kwargs.setdefault("actor", world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        return message_send(case=world.case, **kwargs)


def test_send_queues_an_email_a_person_wrote(world, django_capture_on_commit_callbacks, settings):
    settings.CONVERSATIONS_ADDRESS = "team@tilflytt.example"
    world.owner.first_name, world.owner.last_name = "Ola", "Nordmann"
    world.owner.save()
    message = _send(world, django_capture_on_commit_callbacks)

    assert message.direction == CaseMessage.Direction.OUTGOING
    assert message.author == world.owner
    assert message.email.kind == "conversations.message"
    assert message.message_id == message.email.message_id
    [sent] = mail.outbox
    assert sent.to == ["anna@example.org"]
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert sent.extra_headers["Reply-To"] == "team@tilflytt.example"
    assert "Auto-Submitted" not in sent.extra_headers
    assert "In-Reply-To" not in sent.extra_headers  # nothing to answer yet
    assert "References" not in sent.extra_headers
    assert world.case.reference in sent.subject
    assert "Anna" not in sent.subject and "Kowalska" not in sent.subject
    assert "the kindergarten has a place for you." in sent.body
    assert "Ola Nordmann" in sent.body and world.case.reference in sent.body
    assert "/privacy/" in sent.body


def test_send_without_a_team_address_has_no_reply_to(
    world, django_capture_on_commit_callbacks, settings
):
    settings.CONVERSATIONS_ADDRESS = None
    _send(world, django_capture_on_commit_callbacks)
    assert "Reply-To" not in mail.outbox[0].extra_headers


def test_send_threads_after_an_incoming_message(world, django_capture_on_commit_callbacks):
    first = _send(world, django_capture_on_commit_callbacks, body="First")
    older = incoming(case=world.case, message_id="<old@mail.example.org>")
    newest = incoming(case=world.case, message_id="newest@mail.example.org")  # no brackets
    mail.outbox.clear()
    _send(world, django_capture_on_commit_callbacks, body="Second")
    headers = mail.outbox[0].extra_headers
    assert headers["In-Reply-To"] == "<newest@mail.example.org>"
    assert headers["References"].split() == [
        first.message_id,
        older.message_id,
        "<newest@mail.example.org>",
    ]
    assert newest.pk


def test_send_skips_a_stored_message_id_that_is_not_strict(
    world, django_capture_on_commit_callbacks
):
    """A row stored before the parser checked ids (CR LF from a decoded encoded-word) must
    not make every later message on the case fail header validation."""
    good = incoming(case=world.case, message_id="<good@mail.example.org>")
    incoming(case=world.case, message_id="<x\r\nX-Evil:1@b.no>")
    incoming(case=world.case, message_id="<two words@b.no>")
    message = _send(world, django_capture_on_commit_callbacks)
    message.email.refresh_from_db()
    assert message.email.status == OutboundEmail.Status.SENT
    headers = mail.outbox[0].extra_headers
    assert headers["In-Reply-To"] == good.message_id
    assert headers["References"] == good.message_id


def test_outbox_header_refusal_is_translatable():
    from django.utils.functional import Promise

    from outbox.models import validate_headers

    with pytest.raises(ValidationError) as refused:
        validate_headers({"References": "<a@b>\r\nX-Evil: 1"})
    assert isinstance(refused.value.message, Promise)  # gettext_lazy, not a plain str


def test_send_keeps_references_short(world, django_capture_on_commit_callbacks):
    ids = [incoming(case=world.case).message_id for _ in range(REFERENCES_KEPT + 5)]
    _send(world, django_capture_on_commit_callbacks)
    references = mail.outbox[0].extra_headers["References"].split()
    assert len(references) == REFERENCES_KEPT
    assert references[0] == ids[0]  # the thread's start
    assert references[1:] == ids[-(REFERENCES_KEPT - 1) :]


def test_send_escapes_the_text_in_html(world, django_capture_on_commit_callbacks):
    _send(world, django_capture_on_commit_callbacks, body='<script>alert("x")</script> & more')
    sent = mail.outbox[0]
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html"
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<script>alert("x")</script> & more' in sent.body  # plain text stays plain


def test_send_is_in_the_newcomers_language(world, django_capture_on_commit_callbacks):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(preferred_language="en")
    world.case.newcomer.refresh_from_db()
    message = _send(world, django_capture_on_commit_callbacks)
    assert message.email.language == "en"
    assert message.email.subject == f"Message from the newcomer team ({world.case.reference})"


def test_send_records_the_event_and_the_first_response(world, django_capture_on_commit_callbacks):
    assert world.case.first_response_at is None
    message = _send(world, django_capture_on_commit_callbacks)
    event = CaseEvent.objects.get(case=world.case, kind="conversations.message.sent")
    assert event.data == {"message": message.pk}
    assert event.actor == world.owner
    world.case.refresh_from_db()
    assert world.case.first_response_at == message.created_at
    assert world.case.status == Case.Status.NEW  # without then_wait


def test_send_keeps_an_earlier_first_response(world, django_capture_on_commit_callbacks):
    earlier = timezone.now().replace(year=2020)
    Case.objects.filter(pk=world.case.pk).update(first_response_at=earlier)
    world.case.refresh_from_db()
    _send(world, django_capture_on_commit_callbacks)
    world.case.refresh_from_db()
    assert world.case.first_response_at == earlier


def test_send_then_wait_sets_the_case_waiting(world, django_capture_on_commit_callbacks):
    _send(world, django_capture_on_commit_callbacks, then_wait=True)
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.WAITING
    assert CaseEvent.objects.filter(
        case=world.case, kind="cases.case.status_changed", data__to="waiting"
    ).exists()


@pytest.mark.parametrize("persona", ["reader", "outsider", "nobody"])
def test_send_refuses_who_may_not_manage_the_case(world, persona):
    with pytest.raises(PermissionDenied):
        message_send(case=world.case, body="Hi", actor=getattr(world, persona))
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("change", "body"),
    [
        ({"email": ""}, "Hi"),
        ({"erased_at": timezone.now()}, "Hi"),
        ({}, "   \n "),
        ({}, "x" * 5001),
    ],
    ids=["no-email", "erased", "empty", "too-long"],
)
def test_send_refuses_what_cannot_be_sent(world, change, body):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(**change)
    world.case.newcomer.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        message_send(case=world.case, body=body, actor=world.owner)
    assert "body" in exc.value.message_dict
    assert not OutboundEmail.objects.exists()
    assert not CaseMessage.objects.exists()


def test_send_rolls_back_with_a_refused_status_change(world, django_capture_on_commit_callbacks):
    Case.objects.filter(pk=world.case.pk).update(
        status=Case.Status.CLOSED, closed_at=timezone.now(), closing_reason="moved"
    )
    world.case.refresh_from_db()
    with pytest.raises(ValidationError):
        _send(world, django_capture_on_commit_callbacks, then_wait=True)
    assert not CaseMessage.objects.exists()
    assert mail.outbox == []


def test_send_by_a_coordinator_of_another_case(world, django_capture_on_commit_callbacks):
    case = f.make_case(organisation=world.nav)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(case=case, body="Hello", actor=world.coordinator)
    assert mail.outbox[0].to == [case.newcomer.email]
