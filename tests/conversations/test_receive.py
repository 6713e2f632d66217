"""conversations.receive.inbound_process: each incoming mail onto its case, a new case, or
ignored, exactly once."""

import io
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
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
        case=world.case,
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


def test_inbound_process_subject_reference_from_unknown_sender_is_flagged(world):
    raw = make_raw(subject=f"Re: {world.case.reference}", sender="Ola <ola@example.net>")
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.ATTACHED
    assert inbound.case == world.case
    assert inbound.case_message.sender == "ola@example.net"
    assert inbound.case_message.sender_known is False
    assert not Newcomer.objects.filter(email="ola@example.net").exists()


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


# --- Status and notice --------------------------------------------------------------------


def test_inbound_process_notifies_the_owner_without_the_newcomers_text(thread):
    inbound_process(raw=make_raw(in_reply_to="<out-1@tilflytt.example>"))
    notice = OutboundEmail.objects.get(kind=NOTICE)
    assert notice.to == "owner@kommune.example"
    assert notice.case == thread.case
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


def test_inbound_process_ignores_a_real_dsn(world):
    from tests.conversations.test_inbound_parse import DSN

    inbound = inbound_process(raw=DSN).inbound
    assert inbound.outcome == Outcome.BOUNCE
    assert Case.objects.count() == 1
    assert CaseMessage.objects.count() == 0


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


def test_inbound_process_known_newcomer_gets_a_new_case(world):
    raw = make_raw(sender="anna@EXAMPLE.org", subject="Et nytt spørsmål", body="Om skole.")
    inbound = inbound_process(raw=raw).inbound
    assert inbound.outcome == Outcome.NEW_CASE
    assert inbound.case != world.case
    assert inbound.case.newcomer == world.newcomer
    assert Newcomer.objects.count() == 1
    world.newcomer.refresh_from_db()
    assert world.newcomer.is_unverified is False
    # Later replies in that thread find the new case by header.
    reply = make_raw(in_reply_to=inbound.case_message.message_id, sender="x@example.com")
    assert inbound_process(raw=reply).inbound.case == inbound.case


def test_inbound_process_refuses_a_case_storm_from_one_sender(world, settings):
    settings.CONVERSATIONS_NEW_CASES_PER_SENDER_PER_DAY = 2
    now = timezone.now()
    outcomes = [
        inbound_process(raw=make_raw(sender="storm@example.net"), now=now).inbound.outcome
        for _ in range(3)
    ]
    assert outcomes == [Outcome.NEW_CASE, Outcome.NEW_CASE, Outcome.REFUSED]
    assert Case.objects.filter(newcomer__email="storm@example.net").count() == 2
    refused = InboundEmail.objects.get(outcome=Outcome.REFUSED)
    assert refused.case is None
    assert refused.case_message is None
    # Another sender is not held back, and the same one may again a day later.
    other = inbound_process(raw=make_raw(sender="calm@example.net"), now=now).inbound
    assert other.outcome == Outcome.NEW_CASE
    later = inbound_process(raw=make_raw(sender="storm@example.net"), now=now + timedelta(hours=25))
    assert later.inbound.outcome == Outcome.NEW_CASE


def test_inbound_process_refuses_a_mail_without_a_usable_sender(world):
    inbound = inbound_process(raw=make_raw(sender="not an address")).inbound
    assert inbound.outcome == Outcome.REFUSED
    assert Case.objects.count() == 1


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
