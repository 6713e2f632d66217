"""conversations.receive.inbound_process: each incoming mail onto its case, a new case, or
ignored, exactly once."""

import io
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image
from reportlab.pdfgen import canvas

from cases.models import Case, CaseEvent
from contacts.models import Newcomer
from conversations import receive
from conversations.models import CaseMessage, CaseMessageAttachment, InboundEmail
from conversations.receive import inbound_process
from outbox.models import OutboundEmail
from tests import factories as f

Outcome = InboundEmail.Outcome
NOTICE = "conversations.reply_notice"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://tilflytt.example"
    settings.OUTBOX_MESSAGE_ID_DOMAIN = "tilflytt.example"
    settings.DEFAULT_FROM_EMAIL = "Tilflytterteamet <tilflytt@tilflytt.example>"
    settings.CONVERSATIONS_ADDRESS = "team@tilflytt.example"
    return tmp_path


@pytest.fixture
def thread(world):
    """An outgoing message on world.case, and an owner with an address to be told."""
    world.owner.email = "owner@kommune.example"
    world.owner.save()
    CaseMessage.objects.create(
        case=world.case,
        direction=CaseMessage.Direction.OUTGOING,
        message_id="<out-1@tilflytt.example>",
        body="Hei Anna, kan du sende skjemaet?",
        author=world.owner,
    )
    return world


_seq = iter(range(1, 10_000))


def make_raw(
    *,
    body: str = "Ja, vi kommer i mars.",
    sender: str = "Anna Kowalska <anna@example.org>",
    subject: str = "Re: Din henvendelse",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    date: datetime | None = None,
    headers: dict[str, str] | None = None,
    attachments: tuple[tuple[bytes, str, str], ...] = (),
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "team@tilflytt.example"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or f"<in-{next(_seq)}@mail.example.org>"
    msg["Date"] = format_datetime(date or timezone.now() - timedelta(minutes=5))
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for content, mimetype, filename in attachments:
        maintype, subtype = mimetype.split("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def small_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Arbeidskontrakt")
    pdf.save()
    return buffer.getvalue()


def small_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


# --- Matching a case ----------------------------------------------------------------------


def test_inbound_process_threads_by_in_reply_to(thread):
    raw = make_raw(
        body="Ja, vi kommer i mars.\n\nDen 3. nov. 2026 kl. 10:00 skrev Team <t@x>:\n> Hei",
        in_reply_to="<out-1@tilflytt.example>",
        references="<out-1@tilflytt.example>",
    )
    result = inbound_process(raw=raw)
    assert result.created
    inbound = result.inbound
    assert inbound.outcome == Outcome.ATTACHED
    assert inbound.case == thread.case
    message = inbound.case_message
    assert message.direction == CaseMessage.Direction.INCOMING
    assert message.body == "Ja, vi kommer i mars."
    assert message.sender == "anna@example.org"
    assert message.sender_known is True
    event = CaseEvent.objects.get(case=thread.case, kind="conversations.message.received")
    assert event.data == {"message": message.pk}
    assert event.actor is None
    assert Case.objects.count() == 1


def test_inbound_process_threads_by_references_to_an_outbox_mail(world):
    OutboundEmail.objects.create(
        kind="cases.intake_receipt",
        to="anna@example.org",
        subject="Kvittering",
        body_text="…",
        language="nb",
        message_id="<receipt-1@tilflytt.example>",
        case_id=world.case.pk,
    )
    raw = make_raw(references="<receipt-1@tilflytt.example> <unknown@elsewhere.example>")
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.ATTACHED
    assert inbound.case == world.case
    assert inbound.case_message.sender_known is True


def test_inbound_process_threads_by_subject_reference_known_sender(world):
    raw = make_raw(
        subject=f"SV: Din henvendelse {world.case.reference.lower()}", sender="ANNA@example.org"
    )
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.ATTACHED
    assert inbound.case == world.case
    assert inbound.case_message.sender_known is True


def test_inbound_process_subject_reference_from_unknown_sender_is_held(world):
    """Anybody can type a reference: a stranger's mail naming a case waits for a person."""
    world.owner.email = "owner@kommune.example"
    world.owner.save()
    raw = make_raw(subject=f"Re: {world.case.reference}", sender="Ola <ola@example.net>")
    with pytest.raises(receive.InboundHeld):
        inbound_process(raw=raw)
    assert not InboundEmail.objects.exists()
    assert not CaseMessage.objects.exists()
    assert not Newcomer.objects.filter(email="ola@example.net").exists()
    assert not OutboundEmail.objects.filter(kind=NOTICE).exists()


def test_inbound_process_subject_reference_flood_is_held(thread):
    for n in range(5):
        raw = make_raw(sender=f"spam{n % 2}@evil.example", subject=f"RE: {thread.case.reference}")
        with pytest.raises(receive.InboundHeld):
            inbound_process(raw=raw)
    assert not CaseMessage.objects.filter(direction=CaseMessage.Direction.INCOMING).exists()
    assert not OutboundEmail.objects.filter(kind=NOTICE).exists()


def test_inbound_process_subject_reference_to_another_newcomers_case(world):
    """A known newcomer's typo in the reference: their mail becomes a case of their own,
    never part of the case it names."""
    bob = f.make_newcomer(name="Bob Berg", email="bob@example.net")
    bobs = f.make_case(newcomer=bob, organisation=world.kommune, owner=world.owner)
    raw = make_raw(
        subject=f"Re: {bobs.reference}",
        body="Min datter har astma",
        attachments=((small_pdf(), "application/pdf", "legeerklaering.pdf"),),
    )
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.NEW_CASE
    assert inbound.case.newcomer == world.newcomer and inbound.case != bobs
    assert inbound.case_message.sender_known is True
    assert inbound.case_message.attachments.count() == 1
    assert not CaseMessage.objects.filter(case=bobs).exists()


def test_inbound_process_subject_reference_to_another_case_unverified_is_held(world, dmarc):
    bob = f.make_newcomer(name="Bob Berg", email="bob@example.net")
    bobs = f.make_case(newcomer=bob, organisation=world.kommune, owner=world.owner)
    raw = authenticated(make_raw(subject=f"Re: {bobs.reference}"), DMARC_FAIL)
    with pytest.raises(receive.InboundHeld):
        inbound_process(raw=raw)
    assert not CaseMessage.objects.exists()


def test_inbound_process_header_match_from_another_sender(thread):
    """A partner answering our mail to the newcomer: kept on the case (it answers our
    mail), reopens it and keeps its files, but is not taken for the newcomer."""
    Case.objects.filter(pk=thread.case.pk).update(status=Case.Status.WAITING)
    raw = make_raw(
        sender="Piotr <piotr@example.org>",
        in_reply_to="<out-1@tilflytt.example>",
        attachments=((small_pdf(), "application/pdf", "kontrakt.pdf"),),
    )
    inbound = inbound_process(raw=raw).inbound
    assert (inbound.outcome, inbound.case) == (Outcome.ATTACHED, thread.case)
    assert inbound.case_message.sender == "piotr@example.org"
    assert inbound.case_message.sender_known is False
    assert inbound.case_message.attachments.count() == 1
    thread.case.refresh_from_db()
    assert thread.case.status == Case.Status.OPEN


def test_inbound_process_outbox_mail_to_someone_else_does_not_thread(world):
    OutboundEmail.objects.create(
        kind="cases.intake_receipt",
        to="other@example.net",
        subject="Kvittering",
        body_text="…",
        language="nb",
        message_id="<receipt-2@tilflytt.example>",
        case_id=world.case.pk,
    )
    raw = make_raw(sender="other@example.net", in_reply_to="<receipt-2@tilflytt.example>")
    assert inbound_process(raw=raw).inbound.outcome == Outcome.NEW_CASE


def test_inbound_process_notice_falls_back_to_the_organisation(world):
    Case.objects.filter(pk=world.case.pk).update(owner=None)
    world.kommune.email = "post@narvik.kommune.example"
    world.kommune.save()
    inbound_process(raw=make_raw(subject=world.case.reference))
    assert OutboundEmail.objects.get(kind=NOTICE).to == "post@narvik.kommune.example"


def test_inbound_process_keeps_the_whole_text(thread):
    body = "Ja.\n\nDen 3. nov. 2026 kl. 10:00 skrev Team <t@x>:\n> Hei Anna"
    message = inbound_process(
        raw=make_raw(body=body, in_reply_to="<out-1@tilflytt.example>")
    ).inbound.case_message
    assert message.body == "Ja."
    assert message.full_text == body


def test_inbound_process_crafted_message_id_does_not_break_sending(
    thread, django_capture_on_commit_callbacks
):
    from conversations.services import message_send

    # Replaced in the bytes: EmailMessage would decode the encoded-word when set.
    raw = make_raw(
        in_reply_to="<out-1@tilflytt.example>", message_id="<placeholder@mail.example.org>"
    ).replace(b"<placeholder@mail.example.org>", b"=?utf-8?q?x=0D=0AX-Evil:1?=@b.no")
    message = inbound_process(raw=raw).inbound.case_message
    assert message.message_id == "<=?utf-8?q?x=0D=0AX-Evil:1?=@b.no>"
    with django_capture_on_commit_callbacks(execute=True):
        sent = message_send(case=thread.case, body="Takk!", actor=thread.owner)
    sent.email.refresh_from_db()
    assert sent.email.status == OutboundEmail.Status.SENT
    assert sent.email.headers["In-Reply-To"] == message.message_id


def test_inbound_process_erased_newcomers_case_is_not_matched(thread):
    Newcomer.objects.filter(pk=thread.newcomer.pk).update(
        email="", name="Erased", erased_at=timezone.now()
    )
    raw = make_raw(in_reply_to="<out-1@tilflytt.example>", subject=thread.case.reference)
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.NEW_CASE
    assert inbound.case != thread.case
    assert inbound.case.newcomer.email == "anna@example.org"
    assert inbound.case.newcomer.is_unverified is True


def test_inbound_process_newcomer_erased_after_the_lookup(thread, monkeypatch):
    """The erasure commits between finding the case and writing to it: the check is made
    again on the locked row, so nothing lands on the erased newcomer's case."""
    real = receive._locked_case

    def erased_meanwhile(pk):
        Newcomer.objects.filter(pk=thread.newcomer.pk).update(
            email="", name="Erased", erased_at=timezone.now()
        )
        return real(pk)

    monkeypatch.setattr(receive, "_locked_case", erased_meanwhile)
    inbound = inbound_process(raw=make_raw(in_reply_to="<out-1@tilflytt.example>")).inbound
    assert inbound.outcome == Outcome.NEW_CASE
    assert inbound.case != thread.case
    assert not CaseMessage.objects.filter(case=thread.case, direction="in").exists()


# --- Status and notice --------------------------------------------------------------------


def test_inbound_process_notifies_the_owner_without_the_newcomers_text(thread):
    inbound_process(raw=make_raw(in_reply_to="<out-1@tilflytt.example>"))
    notice = OutboundEmail.objects.get(kind=NOTICE)
    assert notice.to == "owner@kommune.example"
    assert notice.case_id == thread.case.pk
    assert notice.language == "nb"
    assert thread.case.reference in notice.subject
    url = f"https://tilflytt.example/cases/{thread.case.pk}/"
    assert url in notice.body_text
    assert url in notice.body_html
    for private in ("Anna", "Kowalska", "anna@example.org", "mars"):
        assert private not in notice.subject + notice.body_text + notice.body_html


def test_inbound_process_no_notice_without_an_owner_address(world):
    inbound_process(raw=make_raw(subject=world.case.reference))
    assert not OutboundEmail.objects.filter(kind=NOTICE).exists()


@pytest.mark.parametrize("status", [Case.Status.WAITING, Case.Status.CLOSED])
def test_inbound_process_reopens_a_waiting_or_closed_case(thread, status):
    Case.objects.filter(pk=thread.case.pk).update(
        status=status,
        closed_at=timezone.now() if status == Case.Status.CLOSED else None,
        closing_reason="answered" if status == Case.Status.CLOSED else "",
    )
    inbound_process(raw=make_raw(in_reply_to="<out-1@tilflytt.example>"))
    thread.case.refresh_from_db()
    assert thread.case.status == Case.Status.OPEN
    assert thread.case.closed_at is None
    event = CaseEvent.objects.get(case=thread.case, kind="cases.case.status_changed")
    assert event.data == {"from": status, "to": Case.Status.OPEN}
    assert event.actor is None


def test_inbound_process_leaves_a_new_case_new(thread):
    inbound_process(raw=make_raw(in_reply_to="<out-1@tilflytt.example>"))
    thread.case.refresh_from_db()
    assert thread.case.status == Case.Status.NEW


def test_inbound_process_twice_is_processed_once(thread):
    raw = make_raw(
        in_reply_to="<out-1@tilflytt.example>", attachments=((small_png(), "image/png", "a.png"),)
    )
    first = inbound_process(raw=raw)
    second = inbound_process(raw=raw)
    assert first.created is True
    assert second.created is False
    assert second.inbound.pk == first.inbound.pk
    assert InboundEmail.objects.count() == 1
    assert CaseMessage.objects.filter(direction="in").count() == 1
    assert CaseMessageAttachment.objects.count() == 1
    assert CaseEvent.objects.filter(kind="conversations.message.received").count() == 1
    assert OutboundEmail.objects.filter(kind=NOTICE).count() == 1


def test_inbound_process_concurrent_duplicate_returns_the_winner(thread, monkeypatch):
    """The other poller inserted the row after our first look: the insert fails on the
    unique Message-ID and the winner's row comes back, with nothing else written."""
    raw = make_raw(in_reply_to="<out-1@tilflytt.example>")
    winner = inbound_process(raw=raw).inbound
    real_filter = InboundEmail.objects.filter
    looks = []

    def first_look_misses(**kwargs):
        looks.append(kwargs)
        queryset = real_filter(**kwargs)
        return queryset.none() if len(looks) == 1 else queryset

    monkeypatch.setattr(InboundEmail.objects, "filter", first_look_misses)
    result = inbound_process(raw=raw)
    assert len(looks) == 2
    assert result.created is False
    assert result.inbound.pk == winner.pk
    assert CaseMessage.objects.filter(direction="in").count() == 1
    assert OutboundEmail.objects.filter(kind=NOTICE).count() == 1


def test_inbound_process_uses_a_sane_mail_date(thread):
    now = timezone.now()
    sent = (now - timedelta(hours=3)).replace(microsecond=0)
    message = inbound_process(
        raw=make_raw(in_reply_to="<out-1@tilflytt.example>", date=sent), now=now
    ).inbound.case_message
    assert message.created_at == sent
    future = inbound_process(
        raw=make_raw(subject=thread.case.reference, date=now + timedelta(days=2)), now=now
    ).inbound
    assert future.case_message.created_at == now
    assert future.received_at == now


# --- Ignored mail -------------------------------------------------------------------------

IGNORED = [
    ({"headers": {"Auto-Submitted": "auto-replied"}}, Outcome.AUTO_REPLY),
    ({"subject": "Fraværende: Din henvendelse"}, Outcome.AUTO_REPLY),
    ({"sender": "MAILER-DAEMON@mx.example.org"}, Outcome.BOUNCE),
    ({"headers": {"X-Failed-Recipients": "anna@example.org"}}, Outcome.BOUNCE),
    ({"sender": "team@tilflytt.example"}, Outcome.LOOP),
    ({"sender": "tilflytt@tilflytt.example"}, Outcome.LOOP),
]


@pytest.mark.parametrize(("kwargs", "outcome"), IGNORED)
def test_inbound_process_ignores_automatic_mail(thread, kwargs, outcome):
    raw = make_raw(in_reply_to="<out-1@tilflytt.example>", **kwargs)
    newcomers = Newcomer.objects.count()
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == outcome
    assert inbound.case is None
    assert inbound.case_message is None
    assert CaseMessage.objects.filter(direction="in").count() == 0
    assert Newcomer.objects.count() == newcomers
    assert Case.objects.count() == 1
    assert not CaseEvent.objects.filter(kind="conversations.message.received").exists()
    assert not OutboundEmail.objects.filter(kind=NOTICE).exists()


def test_inbound_process_our_own_message_coming_back_is_a_loop(thread, settings):
    # With a development Message-ID domain, which the parser does not judge.
    settings.OUTBOX_MESSAGE_ID_DOMAIN = "localhost"
    raw = make_raw(message_id="<out-1@tilflytt.example>", sender="someone@example.org")
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.LOOP
    assert CaseMessage.objects.count() == 1


def _dsn_for(message_id: str, to: bytes = b"Anna@Example.org") -> bytes:
    from tests.conversations.test_inbound_parse import DSN

    return DSN.replace(
        b"To: gone@example.org\r\nSubject:",
        b"To: anna@example.org\r\nMessage-ID: " + message_id.encode() + b"\r\nSubject:",
    ).replace(b"Final-Recipient: rfc822; gone@example.org", b"Final-Recipient: rfc822; " + to)


def _sent_email(case, *, to="anna@example.org", message_id="<msg-1@tilflytt.example>"):
    return OutboundEmail.objects.create(
        kind="conversations.message",
        to=to,
        subject="Din henvendelse",
        body_text="…",
        language="nb",
        message_id=message_id,
        case_id=case.pk,
        status=OutboundEmail.Status.SENT,
        attempts=1,
        sent_at=timezone.now(),
    )


def test_inbound_process_bounce_marks_our_email_failed(world):
    email = _sent_email(world.case)
    inbound = inbound_process(raw=_dsn_for(email.message_id)).inbound
    assert (inbound.outcome, inbound.case) == (Outcome.BOUNCE, world.case)
    email.refresh_from_db()
    assert (email.status, email.last_error, email.sent_at) == (
        OutboundEmail.Status.FAILED,
        "bounced",
        None,
    )
    event = CaseEvent.objects.get(kind="conversations.message.bounced")
    assert (event.case, event.data, event.actor) == (world.case, {"email": email.pk}, None)
    # A second report for the same e-mail changes nothing more.
    again = _dsn_for(email.message_id).replace(b"1A2B3C@mx", b"9Z9Z9Z@mx")
    assert inbound_process(raw=again).created
    assert CaseEvent.objects.filter(kind="conversations.message.bounced").count() == 1


def test_inbound_process_bounce_of_a_staff_notice_has_no_newcomer_event(world):
    email = _sent_email(world.case, to="owner@kommune.example")
    inbound_process(raw=_dsn_for(email.message_id, to=b"owner@kommune.example"))
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert not CaseEvent.objects.filter(kind="conversations.message.bounced").exists()


def _dsn_with_action(message_id: str, action: str, recipients: bytes) -> bytes:
    return _dsn_for(message_id).replace(
        b"Final-Recipient: rfc822; Anna@Example.org\r\nAction: failed",
        recipients + b"Action: " + action.encode(),
    )


@pytest.mark.parametrize("action", ["delayed", "delivered", "relayed", "expanded"])
def test_inbound_process_delay_notice_changes_nothing(world, action):
    email = _sent_email(world.case)
    raw = _dsn_with_action(
        email.message_id, action, b"Final-Recipient: rfc822; anna@example.org\r\n"
    )
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.BOUNCE
    email.refresh_from_db()
    assert (email.status, email.last_error) == (OutboundEmail.Status.SENT, "")
    assert email.sent_at is not None
    assert not CaseEvent.objects.filter(kind="conversations.message.bounced").exists()


def test_inbound_process_failure_for_another_recipient_changes_nothing(world):
    email = _sent_email(world.case)
    raw = _dsn_with_action(
        email.message_id,
        "failed",
        b"Final-Recipient: rfc822; other@example.net\r\n"
        b"Original-Recipient: rfc822;other@example.net\r\n",
    )
    assert inbound_process(raw=raw).inbound.outcome == Outcome.BOUNCE
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


@pytest.mark.parametrize(
    "recipients",
    [b"", b"Original-Recipient: rfc822; ANNA@example.org\r\n"],
    ids=["no-recipient", "original-recipient"],
)
def test_inbound_process_failure_block_marks_our_email_failed(world, recipients):
    email = _sent_email(world.case)
    # A delayed block for someone else first: the failed one counts.
    raw = _dsn_with_action(
        email.message_id,
        "failed",
        b"Final-Recipient: rfc822; other@example.net\r\nAction: delayed\r\n\r\n" + recipients,
    )
    inbound_process(raw=raw)
    email.refresh_from_db()
    assert (email.status, email.last_error) == (OutboundEmail.Status.FAILED, "bounced")


def test_inbound_process_ignores_a_real_dsn(world):
    from tests.conversations.test_inbound_parse import DSN

    inbound = inbound_process(raw=DSN).inbound
    assert inbound.outcome == Outcome.BOUNCE
    assert Case.objects.count() == 1
    assert CaseMessage.objects.count() == 0


def _corpus(name: str) -> bytes:
    return _sample(name).raw


def _sample(name: str):
    from tests.conversations.mailcorpus import samples

    return next(s for s in samples() if s.name == name)


@pytest.mark.parametrize(
    "name",
    [
        "exim-plain",
        "qmail",
        "sendmail-plain-no-address",
        "mailer-daemon-empty-address",
        "exchange-ndr-nb-rewrapped",
        "exchange-ndr-pl",
    ],
)
def test_inbound_process_plain_bounce_marks_our_email_failed(world, name):
    """Bounces without an RFC 3464 report, or from a sender with no address, are tied to
    our e-mail by the Message-ID of the original they quote."""
    from tests.conversations.mailcorpus import OURS

    to = _sample(name).failed
    world.case.newcomer.email = to
    world.case.newcomer.save()
    email = _sent_email(world.case, to=to, message_id=OURS)
    inbound = inbound_process(raw=_corpus(name)).inbound
    assert (inbound.outcome, inbound.case) == (Outcome.BOUNCE, world.case)
    email.refresh_from_db()
    assert (email.status, email.last_error) == (OutboundEmail.Status.FAILED, "bounced")
    assert CaseEvent.objects.filter(kind="conversations.message.bounced").count() == 1
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["exchange-2003-plain-display-name-only", "domino-delivery-failure"]
)
def test_inbound_process_bounce_without_message_id_is_tied_by_recipient(world, name):
    from tests.conversations.mailcorpus import TO

    world.case.newcomer.email = TO
    world.case.newcomer.save()
    older = _sent_email(world.case, to=TO, message_id="<older@tilflytt.example>")
    older.sent_at = timezone.now() - timedelta(days=2)
    older.save()
    latest = _sent_email(world.case, to=TO.upper(), message_id="<latest@tilflytt.example>")
    inbound = inbound_process(raw=_corpus(name)).inbound
    assert (inbound.outcome, inbound.case) == (Outcome.BOUNCE, world.case)
    latest.refresh_from_db()
    older.refresh_from_db()
    assert latest.status == OutboundEmail.Status.FAILED
    assert older.status == OutboundEmail.Status.SENT


def test_inbound_process_bounce_by_recipient_ignores_old_mail(world):
    from tests.conversations.mailcorpus import TO

    email = _sent_email(world.case, to=TO)
    email.sent_at = timezone.now() - receive.BOUNCE_MATCH_WITHIN - timedelta(hours=1)
    email.save()
    inbound = inbound_process(raw=_corpus("exchange-2003-plain-display-name-only")).inbound
    assert (inbound.outcome, inbound.case) == (Outcome.BOUNCE, None)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


@pytest.mark.parametrize("name", ["exim-delay-warning", "postfix-delay-dsn"])
def test_inbound_process_delay_warning_marks_nothing(world, name):
    from tests.conversations.mailcorpus import OURS, TO

    email = _sent_email(world.case, to=TO, message_id=OURS)
    inbound = inbound_process(raw=_corpus(name)).inbound
    assert inbound.outcome == Outcome.BOUNCE
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_inbound_process_unrecognised_bounce_opens_no_case(world):
    """A bounce about nothing we sent (and one whose sender has no address, which used to
    be held for a person) is recorded as a bounce without a case."""
    cases, newcomers = Case.objects.count(), Newcomer.objects.count()
    inbound = inbound_process(raw=_corpus("mailer-daemon-empty-address")).inbound
    assert (inbound.outcome, inbound.case) == (Outcome.BOUNCE, None)
    assert (Case.objects.count(), Newcomer.objects.count()) == (cases, newcomers)


# --- New cases ----------------------------------------------------------------------------


def test_inbound_process_unknown_sender_opens_a_case_for_an_unverified_newcomer(world):
    raw = make_raw(
        sender="Ola Nordmann <Ola.Nordmann@Example.NET>",
        subject="Spørsmål om barnehage",
        body="Hei! Vi flytter til Narvik i mai. Er det ledig barnehageplass?",
    )
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.NEW_CASE
    case = inbound.case
    assert case.channel == Case.Channel.EMAIL
    assert case.message == "Hei! Vi flytter til Narvik i mai. Er det ledig barnehageplass?"
    newcomer = case.newcomer
    assert newcomer.name == "Ola Nordmann"
    assert newcomer.email == "ola.nordmann@example.net"
    assert newcomer.is_unverified is True
    assert newcomer.consents.count() == 0
    assert inbound.case_message.case == case
    assert inbound.case_message.sender_known is True
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {"cases.case.opened", "conversations.message.received"}


def test_inbound_process_unknown_sender_without_name_uses_the_local_part(world):
    inbound = inbound_process(raw=make_raw(sender="kari.n@example.net")).inbound
    assert inbound.case.newcomer.name == "kari.n"


def test_inbound_process_known_newcomer_new_mail_opens_a_new_case(world):
    """A mail that answers nothing is a new enquiry, even with a case open from the form;
    three more within the day, a document each, join the case the first one opened."""
    cases = []
    for n in range(4):
        raw = make_raw(
            sender="anna@EXAMPLE.org",
            subject=f"Dokument {n}",
            attachments=((small_pdf(), "application/pdf", f"doc{n}.pdf"),),
        )
        inbound = inbound_process(raw=raw).inbound
        assert inbound.outcome == (Outcome.NEW_CASE if n == 0 else Outcome.ATTACHED)
        assert inbound.case_message.sender_known is True
        cases.append(inbound.case)
    [new] = set(cases)
    assert new != world.case and new.newcomer == world.newcomer
    assert new.channel == Case.Channel.EMAIL
    assert Case.objects.count() == 2
    assert CaseMessageAttachment.objects.filter(message__case=new).count() == 4
    world.newcomer.refresh_from_db()
    assert world.newcomer.is_unverified is False


def test_inbound_process_known_newcomer_mail_a_day_later_opens_another_case(world):
    first = inbound_process(raw=make_raw(sender="anna@example.org")).inbound
    later = timezone.now() + timedelta(hours=25)
    with time_machine.travel(later, tick=False):
        second = inbound_process(raw=make_raw(sender="anna@example.org"), now=later).inbound
    assert second.outcome == Outcome.NEW_CASE
    assert second.case not in (first.case, world.case)


def test_inbound_process_known_newcomer_with_only_closed_cases_gets_a_new_case(world, settings):
    settings.CONVERSATIONS_NEW_CASES_PER_SENDER_PER_DAY = 1
    Case.objects.filter(pk=world.case.pk).update(
        status=Case.Status.CLOSED, closed_at=timezone.now(), closing_reason="answered"
    )
    now = timezone.now()
    first = inbound_process(raw=make_raw(sender="anna@example.org"), now=now).inbound
    assert first.outcome == Outcome.NEW_CASE
    assert first.case != world.case
    assert first.case.newcomer == world.newcomer
    Case.objects.filter(pk=first.case.pk).update(
        status=Case.Status.CLOSED, closed_at=now, closing_reason="answered"
    )
    # A verified newcomer is never held back by the per-sender limit.
    second = inbound_process(raw=make_raw(sender="anna@example.org"), now=now).inbound
    assert second.outcome == Outcome.NEW_CASE
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.CLOSED


def test_inbound_process_holds_a_case_storm_from_an_unknown_sender(world, settings):
    settings.CONVERSATIONS_NEW_CASES_PER_SENDER_PER_DAY = 1
    now = timezone.now()
    first = inbound_process(raw=make_raw(sender="storm@example.net"), now=now).inbound
    assert first.outcome == Outcome.NEW_CASE
    # More mail from them while the case is open goes onto it.
    again = inbound_process(raw=make_raw(sender="storm@example.net"), now=now).inbound
    assert (again.outcome, again.case) == (Outcome.ATTACHED, first.case)
    Case.objects.filter(pk=first.case.pk).update(
        status=Case.Status.CLOSED, closed_at=now, closing_reason="answered"
    )
    rows = InboundEmail.objects.count()
    held = make_raw(sender="storm@example.net", body="Hjelp!")
    with pytest.raises(receive.InboundHeld):
        inbound_process(raw=held, now=now)
    # Nothing committed: the mail stays in the mailbox for a person.
    assert InboundEmail.objects.count() == rows
    assert Case.objects.filter(newcomer__email="storm@example.net").count() == 1
    assert not CaseMessage.objects.filter(body="Hjelp!").exists()
    # Another sender is not held back, and the same one may again a day later.
    other = inbound_process(raw=make_raw(sender="calm@example.net"), now=now).inbound
    assert other.outcome == Outcome.NEW_CASE
    later = inbound_process(raw=held, now=now + timedelta(hours=25)).inbound
    assert later.outcome == Outcome.NEW_CASE
    assert later.case_message.body == "Hjelp!"


def test_inbound_process_holds_a_mail_without_a_usable_sender(world):
    with pytest.raises(receive.InboundHeld):
        inbound_process(raw=make_raw(sender="not an address"))
    assert not InboundEmail.objects.exists()
    assert Case.objects.count() == 1


# --- Staff addresses ----------------------------------------------------------------------


def test_inbound_process_staff_forward_opens_nothing(world):
    world.owner.email = "Owner@Kommune.example"
    world.owner.save()
    raw = make_raw(sender="Owner <owner@kommune.example>", subject="Fwd: Spørsmål om skole")
    with pytest.raises(receive.InboundHeld):
        inbound_process(raw=raw)
    assert not InboundEmail.objects.exists()
    assert Case.objects.count() == 1
    assert not Newcomer.objects.filter(email__iexact="owner@kommune.example").exists()


def test_inbound_process_organisation_address_opens_nothing(world):
    world.nav.email = "post@nav.example"
    world.nav.save()
    with pytest.raises(receive.InboundHeld):
        inbound_process(raw=make_raw(sender="post@nav.example"))
    assert not InboundEmail.objects.exists()
    assert Case.objects.count() == 1


def test_inbound_process_inactive_organisations_address_is_not_staff(world):
    world.nav.email = "post@nav.example"
    world.nav.is_active = False
    world.nav.save()
    inbound = inbound_process(raw=make_raw(sender="post@nav.example")).inbound
    assert inbound.outcome == Outcome.NEW_CASE


def test_inbound_process_newcomer_address_that_is_an_organisations_is_held(world):
    world.nav.email = "anna@example.org"
    world.nav.save()
    with pytest.raises(receive.InboundHeld):
        inbound_process(raw=make_raw(subject=f"Re: {world.case.reference}"))
    assert not CaseMessage.objects.exists()


def test_inbound_process_inactive_users_address_is_not_staff(world):
    world.nobody.email = "gone@kommune.example"
    world.nobody.is_active = False
    world.nobody.save()
    inbound = inbound_process(raw=make_raw(sender="gone@kommune.example")).inbound
    assert inbound.outcome == Outcome.NEW_CASE


def test_inbound_process_owner_answering_the_notice_is_not_the_newcomer(thread):
    """The notice went to the owner; their answer (with the reference in the subject)
    must not land on the timeline as the newcomer's, reopen the case or send a notice."""
    inbound_process(raw=make_raw(in_reply_to="<out-1@tilflytt.example>"))
    notice = OutboundEmail.objects.get(kind=NOTICE)
    Case.objects.filter(pk=thread.case.pk).update(status=Case.Status.WAITING)
    answer = make_raw(
        sender="owner@kommune.example",
        subject=f"Re: {notice.subject}",
        in_reply_to=notice.message_id,
        references=notice.message_id,
        body="Jeg tar den.",
    )
    with pytest.raises(receive.InboundHeld):
        inbound_process(raw=answer)
    assert not CaseMessage.objects.filter(body="Jeg tar den.").exists()
    thread.case.refresh_from_db()
    assert thread.case.status == Case.Status.WAITING
    assert OutboundEmail.objects.filter(kind=NOTICE).count() == 1


def test_inbound_process_reply_to_a_notice_is_not_matched_by_header(thread):
    """A mail the outbox sent to staff (not the newcomer) does not thread anything."""
    notice = OutboundEmail.objects.create(
        kind=NOTICE,
        to="owner@kommune.example",
        subject="Ny e-post",
        body_text="…",
        language="nb",
        message_id="<notice-1@tilflytt.example>",
        case_id=thread.case.pk,
    )
    raw = make_raw(sender="someone@example.net", in_reply_to=notice.message_id)
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.NEW_CASE
    assert inbound.case != thread.case


# --- Attachments --------------------------------------------------------------------------


def test_inbound_process_keeps_only_files_that_pass_the_rules(thread, settings):
    pdf, png = small_pdf(), small_png()
    settings.CONVERSATIONS_ATTACHMENT_MAX_BYTES = len(pdf) + 10
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200
    big_pdf = pdf + b"%" + b"x" * 100
    raw = make_raw(
        in_reply_to="<out-1@tilflytt.example>",
        attachments=(
            (pdf, "application/pdf", "kontrakt.pdf"),
            (exe, "application/pdf", "cv.pdf"),
            (big_pdf, "application/pdf", "stor.pdf"),
            (png, "image/png", "../../etc/passport.png"),
        ),
    )
    inbound = inbound_process(raw=raw).inbound
    assert inbound.attachments_refused == 2
    assert inbound.attachments_refused_reason == InboundEmail.RefusedReason.RULES
    stored = list(inbound.case_message.attachments.order_by("pk"))
    assert [(a.filename, a.mimetype, a.size) for a in stored] == [
        ("kontrakt.pdf", "application/pdf", len(pdf)),
        ("passport.png", "image/png", len(png)),
    ]
    for attachment, content, ext in zip(stored, (pdf, png), ("pdf", "png"), strict=True):
        assert attachment.path.startswith("conversations/")
        assert attachment.path.endswith(f".{ext}")
        assert "kontrakt" not in attachment.path and "passport" not in attachment.path
        with default_storage.open(attachment.path, "rb") as handle:
            assert handle.read() == content


def test_inbound_process_partner_files_refused_by_the_rules_say_so(thread):
    """A partner's reply to our mail is trusted: what it loses is by the file rules."""
    raw = make_raw(
        sender="Piotr <piotr@example.org>",
        in_reply_to="<out-1@tilflytt.example>",
        attachments=((b"PK\x03\x04docx", "application/octet-stream", "cv.docx"),),
    )
    inbound = inbound_process(raw=raw).inbound
    assert (inbound.attachments_refused, inbound.attachments_refused_reason) == (1, "rules")
    assert inbound.case_message.sender_known is False


def test_inbound_process_counts_a_broken_attachment_part_as_refused(thread):
    raw = make_raw(
        in_reply_to="<out-1@tilflytt.example>",
        attachments=((small_pdf(), "application/pdf", "kontrakt.pdf"),),
    ).replace(b'filename="kontrakt.pdf"', b"filename*=utf\x00-8''a.pdf")
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.ATTACHED
    assert (inbound.attachments_refused, inbound.attachments_refused_reason) == (1, "rules")
    assert inbound.case_message.attachments.count() == 0


def test_inbound_process_deletes_written_files_when_the_transaction_fails(
    thread, monkeypatch, media
):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(receive, "case_event_record", broken)
    raw = make_raw(
        in_reply_to="<out-1@tilflytt.example>",
        attachments=((small_png(), "image/png", "a.png"),),
    )
    with pytest.raises(RuntimeError):
        inbound_process(raw=raw)
    assert not InboundEmail.objects.exists()
    assert not CaseMessageAttachment.objects.exists()
    folder = media / "conversations"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_inbound_process_accepts_a_mail_with_only_an_attachment(thread):
    raw = make_raw(
        body="",
        in_reply_to="<out-1@tilflytt.example>",
        attachments=((small_pdf(), "application/pdf", "a.pdf"),),
    )
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.ATTACHED
    assert inbound.case_message.attachments.count() == 1


# --- CONVERSATIONS_SENDER_CHECK = "dmarc" -------------------------------------------------

DMARC_PASS = (
    "mx.tilflytt.example; dkim=pass header.d=example.org; dmarc=pass header.from=example.org"
)
DMARC_FAIL = "mx.tilflytt.example; dkim=none; dmarc=fail (p=NONE) header.from=example.org"


def authenticated(raw: bytes, results: str = DMARC_PASS) -> bytes:
    """The mail as our receiving server hands it on: its Authentication-Results on top."""
    return f"Authentication-Results: {results}\n".encode() + raw


@pytest.fixture
def dmarc(settings):
    settings.CONVERSATIONS_SENDER_CHECK = "dmarc"


def test_inbound_process_dmarc_pass_is_the_newcomer(thread, dmarc):
    raw = authenticated(make_raw(in_reply_to="<out-1@tilflytt.example>"))
    message = inbound_process(raw=raw).inbound.case_message
    assert (message.sender_known, message.sender_authenticated) == (True, True)


@pytest.mark.parametrize("results", [None, DMARC_FAIL])
def test_inbound_process_unverified_reply_to_our_mail_is_not_the_newcomer(thread, dmarc, results):
    """It answers our mail (it has the Message-ID), so it stays trusted: it reopens the case
    and keeps its files. But the From address proves nothing."""
    Case.objects.filter(pk=thread.case.pk).update(status=Case.Status.WAITING)
    raw = make_raw(
        in_reply_to="<out-1@tilflytt.example>",
        attachments=((small_pdf(), "application/pdf", "kontrakt.pdf"),),
    )
    inbound = inbound_process(raw=authenticated(raw, results) if results else raw).inbound
    assert (inbound.outcome, inbound.case) == (Outcome.ATTACHED, thread.case)
    message = inbound.case_message
    assert message.sender == "anna@example.org"
    assert (message.sender_known, message.sender_authenticated) == (False, False)
    assert message.attachments.count() == 1
    thread.case.refresh_from_db()
    assert thread.case.status == Case.Status.OPEN


def test_inbound_process_unverified_subject_reference_changes_nothing(thread, dmarc):
    Case.objects.filter(pk=thread.case.pk).update(status=Case.Status.WAITING)
    # A forged lower header is not read: the topmost one (our server's) fails.
    raw = authenticated(
        make_raw(
            subject=f"Re: {thread.case.reference}",
            headers={"Authentication-Results": DMARC_PASS},
            attachments=((small_pdf(), "application/pdf", "faktura.pdf"),),
        ),
        DMARC_FAIL,
    )
    inbound = inbound_process(raw=raw).inbound
    assert (inbound.outcome, inbound.case) == (Outcome.ATTACHED, thread.case)
    assert (inbound.case_message.sender_known, inbound.case_message.sender_authenticated) == (
        False,
        False,
    )
    assert inbound.case_message.attachments.count() == 0
    assert (inbound.attachments_refused, inbound.attachments_refused_reason) == (1, "unverified")
    thread.case.refresh_from_db()
    assert thread.case.status == Case.Status.WAITING


def test_inbound_process_unverified_mail_goes_onto_the_known_newcomers_open_case(world, dmarc):
    Case.objects.filter(pk=world.case.pk).update(status=Case.Status.WAITING)
    newcomers = Newcomer.objects.count()
    raw = make_raw(
        sender="Eve <anna@example.org>",
        body="My new address is eve@evil.example",
        attachments=((small_pdf(), "application/pdf", "doc.pdf"),),
    )
    inbound = inbound_process(raw=raw).inbound
    assert (inbound.outcome, inbound.case) == (Outcome.ATTACHED, world.case)
    assert (inbound.case_message.sender_known, inbound.case_message.sender_authenticated) == (
        False,
        False,
    )
    assert Newcomer.objects.count() == newcomers
    assert inbound.case_message.attachments.count() == 0
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.WAITING
    # With a passing result, the same mail is the newcomer's: a new enquiry of theirs.
    verified = inbound_process(raw=authenticated(make_raw(sender="anna@example.org"))).inbound
    assert verified.outcome == Outcome.NEW_CASE
    assert (verified.case.newcomer, verified.case_message.sender_known) == (world.newcomer, True)


def test_inbound_process_unverified_mail_of_a_known_newcomer_without_open_case(world, dmarc):
    """Anybody could have written it: no case in the newcomer's name, no files kept."""
    Case.objects.filter(pk=world.case.pk).update(
        status=Case.Status.CLOSED, closed_at=timezone.now(), closing_reason="answered"
    )
    raw = make_raw(attachments=((small_pdf(), "application/pdf", "x.pdf"),))
    with pytest.raises(receive.InboundHeld):
        inbound_process(raw=authenticated(raw, DMARC_FAIL))
    assert Case.objects.count() == 1
    assert not InboundEmail.objects.exists()
    assert not CaseMessageAttachment.objects.exists()
    # Verified, the same mail opens a case for them as before.
    inbound = inbound_process(raw=authenticated(make_raw())).inbound
    assert (inbound.outcome, inbound.case.newcomer) == (Outcome.NEW_CASE, world.newcomer)


def test_inbound_process_unverified_unknown_sender_opens_a_case(world, dmarc):
    raw = make_raw(
        sender="Ola <ola@example.net>",
        attachments=((small_pdf(), "application/pdf", "pass.pdf"),),
    )
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.NEW_CASE
    assert inbound.case.newcomer.is_unverified is True
    assert inbound.case_message.sender_known is False
    # A case opened for this mail holds nobody else's data: its files are kept.
    assert inbound.case_message.attachments.count() == 1


def test_inbound_process_sender_check_off_believes_the_from_address(world, settings):
    settings.CONVERSATIONS_SENDER_CHECK = "off"
    raw = authenticated(make_raw(subject=f"Re: {world.case.reference}"), DMARC_FAIL)
    message = inbound_process(raw=raw).inbound.case_message
    assert message.case == world.case
    assert (message.sender_known, message.sender_authenticated) == (True, None)
