"""A welcome pack sent from a case, end to end with the real pieces: PostgreSQL, Redis, a
`celery worker` process and an SMTP server on loopback (fixtures shared with
tests/outbox/test_worker_integration.py).

1. Staff press "send": the worker builds the PDF, stores it, queues the e-mail and sends it;
   the newcomer receives one message with their pack attached.
2. The same with the worker killed (SIGKILL) while the SMTP server holds it mid-send: a new
   worker and the outbox sweep deliver it, once.
"""

import email
import email.policy
import io
import time
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from pypdf import PdfReader

from contacts.models import Consent, HouseholdMember
from onboarding.models import OnboardingTemplate, WelcomePack
from onboarding.services import plan_start, welcome_pack_request
from outbox.models import OutboundEmail
from tests import factories as f
from tests.integration import drained, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def sent_case(media):
    organisation = f.make_organisation(name="Narvik kommune")
    owner = f.make_user(organisation=organisation, role="coordinator", first_name="Kari")
    newcomer = f.make_newcomer(
        name="Olena Kovalenko",
        email="olena@example.org",
        scopes=(Consent.Scope.MUNICIPALITY,),
        preferred_language="en",
    )
    HouseholdMember.objects.create(newcomer=newcomer, relation="child", birth_year=2022)
    case = f.make_case(newcomer=newcomer, organisation=organisation, owner=owner)
    plan_start(
        case=case,
        template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
        move_date=date(2027, 4, 1),
        from_abroad=True,
        eu_eea=True,
        long_stay=True,
        importing_car=False,
        actor=owner,
    )
    return case, owner


def _request_pack(case, owner) -> WelcomePack:
    with transaction.atomic():  # the task is published when this commits, as in a request
        return welcome_pack_request(case=case, actor=owner)


def _check_message(raw: bytes, case) -> None:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == "olena@example.org"
    assert case.reference in message["Subject"]
    assert "Olena" not in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(attachment.get_content())).pages
    )
    assert "Olena Kovalenko" in text
    assert "Apply for a kindergarten place" in text


def test_welcome_pack_from_a_case_arrives_once_with_its_pdf(workers, smtp, broker, sent_case):
    collector, _port = smtp
    case, owner = sent_case
    workers.start()
    pack = _request_pack(case, owner)

    wait_for(lambda: len(collector.messages) == 1, "the welcome pack e-mail", workers.logs)
    wait_for(lambda: drained(broker), "the queue to drain", workers.logs)
    assert len(collector.messages) == 1
    _check_message(collector.messages[0], case)
    pack.refresh_from_db()
    assert pack.status == WelcomePack.Status.QUEUED
    assert OutboundEmail.objects.get(kind="onboarding.welcome_pack").status == "sent"
    assert case.events.filter(kind="onboarding.welcome_pack.sent").count() == 1


def test_welcome_pack_arrives_once_after_the_worker_is_killed_mid_send(
    workers, smtp, broker, sent_case, settings
):
    collector, _port = smtp
    case, owner = sent_case
    first = workers.start()
    collector.stall_next.set()
    _request_pack(case, owner)

    wait_for(collector.stalled.is_set, "the worker to reach RCPT", workers.logs)
    workers.kill(first)
    collector.release.set()
    assert collector.messages == []

    workers.start()
    settings.OUTBOX_STALE_SECONDS = 1
    queued = OutboundEmail.objects.get(kind="onboarding.welcome_pack")
    wait_for(lambda: time.time() > queued.claimed_at.timestamp() + 1.5, "staleness", str)
    call_command("send_outbox", stdout=io.StringIO())

    wait_for(lambda: len(collector.messages) == 1, "the resent pack", workers.logs)
    wait_for(lambda: drained(broker), "the redelivered message to be handled", workers.logs)
    assert len(collector.messages) == 1
    _check_message(collector.messages[0], case)
    assert WelcomePack.objects.get().status == WelcomePack.Status.QUEUED
    assert OutboundEmail.objects.filter(kind="onboarding.welcome_pack").count() == 1


def test_welcome_pack_and_email_lost_in_a_broker_flush_arrive_once_after_the_sweeps(
    workers, smtp, broker, sent_case, monkeypatch
):
    """No worker runs while a pack and a receipt-like e-mail are queued; Redis is flushed;
    then a worker starts. The two sweeps (beat runs them every minute; here by hand, with
    their "lost" windows at zero) publish again, and each message arrives once."""
    from onboarding import services as onboarding
    from outbox import services as outbox
    from outbox.services import email_queue

    collector, _port = smtp
    case, owner = sent_case
    _request_pack(case, owner)
    with transaction.atomic():
        email_queue(
            kind="cases.intake_receipt",
            to="olena@example.org",
            template="welcome_pack",
            language="en",
            context={"case": case, "newcomer": case.newcomer},
            case_id=case.pk,
        )
    assert broker.llen("celery") == 2
    broker.flushdb()
    workers.start()
    monkeypatch.setattr(onboarding, "PACK_REQUEUE_AFTER", timedelta(0))
    monkeypatch.setattr(outbox, "REQUEUE_AFTER", timedelta(0))
    call_command("send_welcome_packs", stdout=io.StringIO())
    call_command("send_outbox", stdout=io.StringIO())
    # Both arrive, in either order: the receipt's e-mail and the pack built and mailed.
    wait_for(lambda: len(collector.messages) == 2, "the lost e-mail and pack", workers.logs)
    assert WelcomePack.objects.get().status == WelcomePack.Status.QUEUED
    # Sweeps run again and again (every minute): nothing goes out twice.
    call_command("send_welcome_packs", stdout=io.StringIO())
    call_command("send_outbox", stdout=io.StringIO())
    wait_for(lambda: drained(broker), "the queue to drain", workers.logs)
    assert len(collector.messages) == 2
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert case.events.filter(kind="onboarding.welcome_pack.sent").count() == 1
