"""The composer on the case page, the timeline of the conversation, attachment downloads
and confirming an unverified newcomer, against the personas of tests/conftest.py."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case, CaseEvent
from contacts.models import Newcomer
from conversations.models import CaseMessage
from conversations.services import message_send
from outbox.models import OutboundEmail
from tests import factories as f
from tests.conversations.builders import attachment, incoming, reply_template

pytestmark = pytest.mark.django_db


def _detail(world):
    return reverse("cases:detail", args=[world.case.pk])


def _send_url(world):
    return reverse("conversations:send", args=[world.case.pk])


# --- Composer ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "coordinator"])
def test_views_composer_is_shown_to_who_manages_the_case(world, login, persona):
    response = login(getattr(world, persona)).get(_detail(world))
    body = response.content.decode()
    assert 'id="composer"' in body
    assert _send_url(world) in body
    assert "anna@example.org" in body and "Polish" not in body  # nb page: language in nb


def test_views_composer_is_not_shown_to_a_reader(world, login):
    body = login(world.reader).get(_detail(world)).content.decode()
    assert 'id="composer"' not in body


@pytest.mark.parametrize("change", [{"email": ""}, {"erased_at": timezone.now()}])
def test_views_composer_needs_a_newcomer_to_write_to(world, login, change):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(**change)
    body = login(world.owner).get(_detail(world)).content.decode()
    assert 'id="composer"' not in body


def test_views_composer_lists_templates_in_the_newcomers_language_first(world, login):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(preferred_language="pl")
    other = reply_template(name="Aaa English", language="en")
    own = reply_template(name="Zzz Polish", language="pl")
    reply_template(name="Retired", language="pl", active=False)
    response = login(world.owner).get(_detail(world))
    composer = response.context["composer"]
    assert composer["templates_own"] == [own]
    assert composer["templates_other"] == [other]
    assert "Retired" not in response.content.decode()


def test_views_composer_picked_template_fills_the_text(world, login):
    template = reply_template(body="Hello {first_name}, about {reference}.")
    response = login(world.owner).get(_detail(world) + f"?reply_template={template.pk}")
    assert response.status_code == 200
    expected = f"Hello Anna, about {world.case.reference}."
    assert response.context["composer"]["form"].initial["body"] == expected
    assert expected in response.content.decode()


@pytest.mark.parametrize("value", ["inactive", "999999", "x", ""])
def test_views_composer_ignores_a_wrong_template(world, login, value):
    retired = reply_template(name="Retired", body="Retired text {reference}", active=False)
    reply_template(name="In use", body="In use")
    if value == "inactive":
        value = str(retired.pk)  # the retired template's own pk: must not be picked
    response = login(world.owner).get(_detail(world) + f"?reply_template={value}")
    assert response.status_code == 200
    assert response.context["composer"]["picked"] is None
    assert response.context["composer"]["form"].initial.get("body", "") == ""
    assert "Retired text" not in response.content.decode()


def test_views_send_happy_path(world, login, django_capture_on_commit_callbacks):
    client = login(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_send_url(world), {"body": "See you on Monday.", "then_wait": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(_detail(world))
    assert CaseMessage.objects.get().body == "See you on Monday."
    assert mail.outbox[0].to == ["anna@example.org"]
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.WAITING
    page = client.get(_detail(world)).content.decode()
    assert "See you on Monday." in page


def test_views_send_keeps_the_text_when_refused(world, login):
    response = login(world.owner).post(_send_url(world), {"body": "x" * 5001})
    assert response.status_code == 400
    assert response.context["composer"]["form"].errors["body"]
    assert not OutboundEmail.objects.exists()


def test_views_send_shows_a_service_refusal_on_the_form(world, login):
    Case.objects.filter(pk=world.case.pk).update(
        status=Case.Status.CLOSED, closed_at=timezone.now(), closing_reason="moved"
    )
    response = login(world.owner).post(_send_url(world), {"body": "Hi", "then_wait": "on"})
    assert response.status_code == 400
    assert "Hi" in response.content.decode()
    assert not CaseMessage.objects.exists()


@pytest.mark.parametrize(("persona", "code"), [("reader", 403), ("outsider", 404), ("nobody", 404)])
def test_views_send_refuses_personas_without_management(world, login, persona, code):
    response = login(getattr(world, persona)).post(_send_url(world), {"body": "Hi"})
    assert response.status_code == code
    assert not CaseMessage.objects.exists()


def test_views_send_wrong_method(world, login):
    assert login(world.owner).get(_send_url(world)).status_code == 405


# --- Unverified newcomers ---------------------------------------------------------------


def test_views_unverified_newcomer_notice_and_confirm(world, login):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(is_unverified=True)
    client = login(world.owner)
    page = client.get(_detail(world)).content.decode()
    confirm = reverse("conversations:newcomer-confirm", args=[world.case.pk])
    assert confirm in page
    assert client.post(confirm).status_code == 302
    world.newcomer.refresh_from_db()
    assert not world.newcomer.is_unverified
    assert CaseEvent.objects.filter(case=world.case, kind="contacts.newcomer.verified").exists()
    assert confirm not in client.get(_detail(world)).content.decode()


@pytest.mark.parametrize(("persona", "code"), [("reader", 403), ("outsider", 404)])
def test_views_confirm_refused(world, login, persona, code):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(is_unverified=True)
    url = reverse("conversations:newcomer-confirm", args=[world.case.pk])
    assert login(getattr(world, persona)).post(url).status_code == code
    world.newcomer.refresh_from_db()
    assert world.newcomer.is_unverified


# --- Timeline ----------------------------------------------------------------------------


def test_views_timeline_shows_both_directions(world, login, django_capture_on_commit_callbacks):
    world.owner.first_name = "Ola"
    world.owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        message_send(case=world.case, body="Line one\nline <two>", actor=world.owner)
    incoming(case=world.case, body="Thanks, we come on Monday.")
    incoming(
        case=world.case, body="I am her neighbour.", sender_known=False, sender="eve@example.com"
    )
    body = login(world.reader).get(_detail(world)).content.decode()
    assert "Line one<br>line &lt;two&gt;" in body
    # The outbox status on the timeline entry itself (the E-mails card says "Sent" too).
    sent_label = str(OutboundEmail.Status.SENT.label)
    with translation.override("nb"):
        sent_label_nb = str(OutboundEmail.Status.SENT.label)
    labels = f"({re.escape(sent_label)}|{re.escape(sent_label_nb)})"
    entry = rf'<span class="badge done">{labels}</span></p>\s*<div class="note-body"><p>Line one'
    assert re.search(entry, body)
    assert "Thanks, we come on Monday." in body
    assert "eve@example.com" in body
    assert body.count('class="notice small"') == 1  # the warning, for the unknown sender only


def test_views_timeline_queries_do_not_grow_with_messages(world, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = login(world.owner)

    def grow(n):
        for i in range(n):
            message_send(case=world.case, body=f"Out {i}", actor=world.owner)
            reply = incoming(case=world.case, body=f"In {i}")
            attachment(message=reply, path=f"conversations/{reply.pk}.pdf")

    def count():
        cache.clear()  # the pickers read each time (config.pickers)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_detail(world))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    grow(1)
    one = count()
    grow(9)
    ten = count()
    assert one == ten


# --- Attachments -------------------------------------------------------------------------


@pytest.fixture
def stored(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    path = default_storage.save("conversations/abc123", ContentFile(b"%PDF-1.4 letter"))
    reply = incoming(case=world.case)
    return attachment(message=reply, path=path, filename="brev fra NAV.pdf", size=15)


def _attachment_url(case, item):
    return reverse("conversations:attachment", args=[case.pk, item.pk])


def test_views_attachment_downloads_for_whoever_sees_the_case(world, login, stored):
    response = login(world.reader).get(_attachment_url(world.case, stored))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "brev" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 letter"
    page = login(world.reader).get(_detail(world)).content.decode()
    assert _attachment_url(world.case, stored) in page


@pytest.mark.parametrize("persona", ["outsider", "nobody"])
def test_views_attachment_of_an_invisible_case_is_404(world, login, stored, persona):
    assert (
        login(getattr(world, persona)).get(_attachment_url(world.case, stored)).status_code == 404
    )


def test_views_attachment_through_another_case_is_404(world, login, stored):
    other = f.make_case(organisation=world.kommune, owner=world.owner)
    assert login(world.owner).get(_attachment_url(other, stored)).status_code == 404


def test_views_attachment_missing_file_is_404(world, login, stored):
    default_storage.delete(stored.path)
    assert login(world.owner).get(_attachment_url(world.case, stored)).status_code == 404


def test_views_attachment_wrong_method(world, login, stored):
    assert login(world.owner).post(_attachment_url(world.case, stored)).status_code == 405


def test_views_case_page_ids_stay_unique_with_the_composer(world, login):
    import re
    from collections import Counter

    reply_template()
    body = login(world.owner).get(_detail(world)).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', body))
    # The note form's text field is "body" too: the composer's labels must not point at it.
    mine = ["composer", "message_body", "message_then_wait", "id_reply_template", "id_body"]
    assert {name: ids[name] for name in mine} == dict.fromkeys(mine, 1)


# --- What failed or arrived (review items 12, 13) ----------------------------------------


def test_views_timeline_marks_an_unverified_sender(world, login):
    from cases.timeline import timeline_entries

    eve = incoming(case=world.case, body="Hei", sender_known=False, sender="eve@example.com")
    with translation.override("en"):
        [entry] = timeline_entries([CaseEvent.objects.get(data__message=eve.pk)])
    assert entry.detail == eve
    assert entry.actor_name == "Unverified sender (eve@example.com)"
    assert entry.text == "E-mail from another address"
    with translation.override("en"):
        [known] = timeline_entries(
            [CaseEvent.objects.get(data__message=incoming(case=world.case).pk)]
        )
    assert (known.actor_name, known.text) == ("The newcomer", "E-mail from the newcomer")
    assert "eve@example.com" in login(world.reader).get(_detail(world)).content.decode()


def test_views_timeline_marks_a_sender_that_could_not_be_verified(world, login):
    """CONVERSATIONS_SENDER_CHECK: the newcomer's own address, but not vouched for by DMARC."""
    from cases.timeline import timeline_entries
    from conversations.models import InboundEmail

    forged = incoming(
        case=world.case, body="My new address is eve@evil.example", sender_known=False
    )
    CaseMessage.objects.filter(pk=forged.pk).update(sender_authenticated=False)
    InboundEmail.objects.create(
        message_id=forged.message_id,
        outcome=InboundEmail.Outcome.ATTACHED,
        case=world.case,
        case_message=forged,
        attachments_refused=1,
        attachments_refused_reason=InboundEmail.RefusedReason.UNVERIFIED,
    )
    checked = incoming(case=world.case, body="Verified")
    CaseMessage.objects.filter(pk=checked.pk).update(sender_authenticated=True)
    with translation.override("en"):
        entries = timeline_entries(
            list(CaseEvent.objects.filter(data__message__in=[forged.pk, checked.pk]))
        )
        page = login(world.reader).get(_detail(world), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    by_message = {entry.detail.pk: entry for entry in entries}
    entry = by_message[forged.pk]
    assert entry.actor_name == "Unverified sender (anna@example.org)"
    assert entry.text == "The sender's address could not be verified"
    assert entry.detail_note == (
        "1 attachment not kept: the sender's address could not be verified"
    )
    known = by_message[checked.pk]
    assert (known.actor_name, known.text) == ("The newcomer", "E-mail from the newcomer")
    # One notice, the unverified one, not the "not the newcomer's address" one.
    assert body.count('class="notice small"') == 1
    assert "this e-mail may not come from anna@example.org" in body
    assert "which is not the newcomer&#x27;s address" not in body


def test_views_timeline_shows_refused_attachments_and_the_whole_email(world, login):
    from conversations.models import InboundEmail

    reply = incoming(case=world.case, body="Ja.")
    CaseMessage.objects.filter(pk=reply.pk).update(
        full_text="Ja.\n\nDen 3. nov. kl. 10:00 skrev Team <t@x>:\n> Gammel tekst"
    )
    InboundEmail.objects.create(
        message_id=reply.message_id,
        outcome=InboundEmail.Outcome.ATTACHED,
        case=world.case,
        case_message=reply,
        attachments_refused=2,
    )
    same = incoming(case=world.case, body="Same")
    CaseMessage.objects.filter(pk=same.pk).update(full_text="Same")
    body = login(world.owner).get(_detail(world)).content.decode()
    assert body.count('attachments-refused"') == 1
    assert re.search(r'class="muted small attachments-refused">[^<]*2[^<]*</p>', body)
    # One <details> only: for the message whose whole text differs from the reply.
    assert body.count('<details class="whole-email">') == 1
    assert "&gt; Gammel tekst" in body


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("rules", "1 attachment not kept (only PDF, JPEG or PNG up to 10.0\xa0MB)"),
        ("sender", "1 attachment not kept: the sender is not the newcomer"),
        ("", "1 attachment not kept"),
    ],
)
def test_views_timeline_says_why_attachments_were_refused(world, settings, reason, expected):
    """A partner's reply to our mail keeps its files: one refused by the file rules must
    not be blamed on the sender."""
    from cases.timeline import timeline_entries
    from conversations.models import InboundEmail

    settings.CONVERSATIONS_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    partner = incoming(case=world.case, body="CV attached", sender_known=False)
    InboundEmail.objects.create(
        message_id=partner.message_id,
        outcome=InboundEmail.Outcome.ATTACHED,
        case=world.case,
        case_message=partner,
        attachments_refused=1,
        attachments_refused_reason=reason,
    )
    with translation.override("en"):
        (entry,) = timeline_entries(list(CaseEvent.objects.filter(data__message=partner.pk)))
    assert entry.detail_note == expected


def test_views_timeline_says_a_bounce(world, login):
    from cases.services import case_event_record
    from cases.timeline import timeline_entries

    case_event_record(
        case=world.case, kind="conversations.message.bounced", actor=None, data={"email": 1}
    )
    with translation.override("en"):
        [entry] = timeline_entries(
            list(CaseEvent.objects.filter(kind="conversations.message.bounced"))
        )
    assert entry.text == "The e-mail to the newcomer could not be delivered"
    assert login(world.owner).get(_detail(world)).status_code == 200


def test_views_unverified_newcomer_badge_in_header_and_card(world, login):
    page = login(world.reader).get(_detail(world)).content.decode()
    assert "unverified" not in page
    Newcomer.objects.filter(pk=world.newcomer.pk).update(is_unverified=True)
    page = login(world.reader).get(_detail(world)).content.decode()
    head, card = page.split('id="newcomer-heading"', 1)
    assert 'class="badge overdue unverified"' in head.split("case-layout")[0]
    assert 'class="badge overdue unverified"' in card
