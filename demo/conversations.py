"""The demo's e-mail conversations: the team's reply templates, a few newcomers who get a
message and answer it, and one mail from an address nobody knew. The answers are read as
the mailbox poll would (conversations.receive), so they are trimmed and attached the same
way; nothing leaves the machine."""

from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from contacts.models import Newcomer
from conversations.models import ReplyTemplate
from conversations.receive import inbound_process
from conversations.services import message_send, reply_template_fill, reply_template_save
from demo.replies import DEMO_REPLIES, DEMO_UNKNOWN_SENDER, REPLY_TEMPLATES
from outbox.models import OutboundEmail


def reply_templates_seed(*, coordinator: Any) -> None:
    """The templates in demo.replies, found by name and language."""
    for name, language, body in REPLY_TEMPLATES:
        if not ReplyTemplate.objects.filter(name=name, language=language).exists():
            reply_template_save(
                name=name, language=language, body=body, is_active=True, actor=coordinator
            )


def conversations_seed(*, newcomers: list[Newcomer]) -> int:
    """A few new demo newcomers with an open, owned case get a message from their owner
    (a reply template, through the outbox) and answer it by e-mail, read as the mailbox
    poll would: the answer quotes the message, which the trimming leaves out. Each
    conversation is one transaction, after the cases have committed."""
    started = 0
    for newcomer in sorted(newcomers, key=lambda n: n.email):
        if started == 6:
            break
        case = (
            newcomer.cases.filter(status=Case.Status.OPEN, owner__isnull=False)
            .select_related("owner", "newcomer")
            .first()
        )
        # The first demo template of the newcomer's language: the "thank you" one.
        names = [
            name for name, language, _ in REPLY_TEMPLATES if language == newcomer.preferred_language
        ]
        template = ReplyTemplate.objects.filter(
            language=newcomer.preferred_language, name__in=names[:1], is_active=True
        ).first()
        if case is None or template is None or not newcomer.email:
            continue
        with transaction.atomic():
            started += _conversation_seed(case=case, template=template)
    return started


def _conversation_seed(*, case: Case, template: ReplyTemplate) -> int:
    newcomer = case.newcomer
    owner = case.owner
    if owner is None:  # the caller picks owned cases
        return 0
    sent = message_send(
        case=case, body=reply_template_fill(template=template, case=case), actor=owner
    )
    if sent.email is None:  # only a newcomer without an address gets none; ours have one
        return 0
    reply = EmailMessage()
    reply["From"] = f"{newcomer.name} <{newcomer.email}>"
    reply["To"] = settings.CONVERSATIONS_ADDRESS or settings.DEFAULT_FROM_EMAIL
    reply["Subject"] = f"Re: {sent.email.subject}"
    reply["Message-ID"] = make_msgid(domain="example.org")
    reply["In-Reply-To"] = sent.message_id
    reply["References"] = sent.message_id
    quoted = "\n".join(f"> {line}" for line in sent.body.splitlines())
    reply.set_content(
        f"{DEMO_REPLIES[newcomer.preferred_language]}\n\n"
        f"On {timezone.localtime():%a, %d %b %Y at %H:%M}, {settings.DEFAULT_FROM_EMAIL} "
        f"wrote:\n{quoted}\n"
    )
    inbound_process(raw=reply.as_bytes())
    _outbox_mark_sent(case=case)
    return 1


def unknown_sender_seed() -> int:
    """One e-mail from an address nobody knew: a new case for an unverified newcomer."""
    name, address, subject, text = DEMO_UNKNOWN_SENDER
    if Newcomer.objects.filter(email=address).exists():
        return 0
    mail = EmailMessage()
    mail["From"] = f"{name} <{address}>"
    mail["To"] = settings.CONVERSATIONS_ADDRESS or settings.DEFAULT_FROM_EMAIL
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="example.net")
    mail.set_content(text)
    with transaction.atomic():
        case = inbound_process(raw=mail.as_bytes()).inbound.case
        if case is not None:  # a mail from an unknown address opens one
            _outbox_mark_sent(case=case)
    return 1


def _outbox_mark_sent(*, case: Case) -> None:
    # The demo addresses are made up: nothing goes out. The case's pending mails are
    # recorded as sent, so the outbox task that runs after commit finds nothing to claim.
    now = timezone.now()
    OutboundEmail.objects.filter(case_id=case.pk, status=OutboundEmail.Status.PENDING).update(
        status=OutboundEmail.Status.SENT, attempts=1, claimed_at=now, sent_at=now
    )
