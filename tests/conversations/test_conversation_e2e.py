"""The issue's end-to-end, with real servers on loopback: a staff message goes out over SMTP
(aiosmtpd), the newcomer's reply is delivered into the team's mailbox (dovecot, over LMTP),
and the poll puts it on the right case exactly once."""

import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from conversations.models import CaseMessage, InboundEmail
from conversations.services import message_send
from conversations.tasks import conversations_poll

pytestmark = [pytest.mark.imap, pytest.mark.django_db]

REPLY = "Takk! Jeg kommer på mandag klokka ti.\nHilsen Anna"


def test_conversation_reply_by_email_lands_on_its_case_once(
    world, dovecot, smtp, settings, django_capture_on_commit_callbacks
):
    collector, smtp_port = smtp
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""

    # 1. Staff writes on the case; the outbox sends it after commit.
    with django_capture_on_commit_callbacks(execute=True):
        sent = message_send(
            case=world.case, body="Velkommen! Kan du komme mandag kl. 10?", actor=world.owner
        )
    [raw_out] = collector.messages
    out = message_from_bytes(raw_out, policy=policy.default)
    assert out["Message-ID"] == sent.email.message_id == sent.message_id
    assert world.case.reference in out["Subject"]
    assert out["Reply-To"] == dovecot.user
    assert out["To"] == world.newcomer.email

    # 2. The newcomer answers from their own address, quoting the message below.
    reply = EmailMessage()
    reply["From"] = f"Anna Kowalska <{world.newcomer.email}>"
    reply["To"] = out["Reply-To"]
    reply["Subject"] = f"Re: {out['Subject']}"
    reply["Message-ID"] = make_msgid(domain="example.org")
    reply["In-Reply-To"] = out["Message-ID"]
    reply["References"] = out["Message-ID"]
    reply["Date"] = "Fri, 27 Nov 2026 10:00:00 +0100"
    quoted = "\n".join(f"> {line}" for line in out.get_body(("plain",)).get_content().splitlines())
    reply.set_content(
        f"{REPLY}\n\nOn Fri, 27 Nov 2026 at 09:00, Tilflytterteamet wrote:\n{quoted}\n"
    )
    with smtplib.LMTP(dovecot.host, dovecot.lmtp_port, timeout=30) as lmtp:
        refused = lmtp.sendmail(world.newcomer.email, [dovecot.user], bytes(reply))
    assert refused == {}

    # 3. Two polls (a second one, or a retried one, must change nothing).
    conversations_poll.apply().get()
    conversations_poll.apply().get()

    [incoming] = CaseMessage.objects.filter(direction=CaseMessage.Direction.INCOMING)
    assert incoming.case == world.case
    assert incoming.body == REPLY
    assert incoming.sender == world.newcomer.email
    [inbound] = InboundEmail.objects.all()
    assert (inbound.outcome, inbound.case, inbound.case_message) == (
        InboundEmail.Outcome.ATTACHED,
        world.case,
        incoming,
    )
    assert dovecot.flags() == {reply["Message-ID"].encode(): {b"\\Seen"}}
