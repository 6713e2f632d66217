"""The outbox with the real pieces: PostgreSQL, Redis, a `celery worker` process and an SMTP
server on loopback (aiosmtpd).

1. An e-mail queued with a PDF attached arrives once, with the PDF.
2. The worker is killed (SIGKILL) while the SMTP server holds it mid-conversation. A new
   worker starts; the sweep takes back the abandoned claim and the e-mail arrives once. Redis
   also hands the killed worker's message to the new worker after the visibility timeout:
   that delivery finds the e-mail sent and does nothing (the test waits for it).

The worker runs the real settings (config.settings) against the test database, with a
10-second visibility timeout and a 1-second restore interval so that the killed worker's
message comes back within the test. Every wait is bounded; workers are killed in `finally`.
"""

import email
import email.policy
import io
import time
from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from outbox.models import OutboundEmail
from tests.integration import WAIT, drained, wait_for  # noqa: F401 (WAIT documents waits)

# Only the outbox table is written, so the teardown's flush leaves the other apps' reference
# data alone (tests/outbox/conftest.py).
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, available_apps=["outbox"]),
]


def _queue_pack(queue: Callable[..., OutboundEmail], pdf: bytes) -> OutboundEmail:
    path = default_storage.save("welcome-packs/integration.pdf", ContentFile(pdf))
    return queue(
        kind="onboarding.welcome_pack",
        attachments=[{"filename": "welcome-pack.pdf", "mimetype": "application/pdf", "path": path}],
    )


def _status(email_id: int) -> str:
    return OutboundEmail.objects.values_list("status", flat=True).get(pk=email_id)


def test_worker_sends_a_queued_email_once_with_its_attachment(
    workers, smtp, broker, queue_without_case, pdf_bytes
):
    collector, _port = smtp
    workers.start()
    queued = _queue_pack(queue_without_case, pdf_bytes)  # autocommit: published at once

    wait_for(lambda: len(collector.messages) == 1, "the message", workers.logs)
    wait_for(lambda: _status(queued.pk) == "sent", "the row to say sent", workers.logs)
    wait_for(lambda: drained(broker), "the queue to drain", workers.logs)
    assert len(collector.messages) == 1
    message = email.message_from_bytes(collector.messages[0], policy=email.policy.default)
    assert message["Message-ID"] == queued.message_id
    assert message["Subject"] == queued.subject
    assert message["To"] == queued.to
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "welcome-pack.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf_bytes
    queued.refresh_from_db()
    assert queued.attempts == 1


def test_worker_killed_mid_send_the_email_arrives_once(
    workers, smtp, broker, queue_without_case, pdf_bytes, settings
):
    collector, _port = smtp
    first = workers.start()
    collector.stall_next.set()
    queued = _queue_pack(queue_without_case, pdf_bytes)

    # The worker has claimed the row and is inside the SMTP conversation.
    wait_for(collector.stalled.is_set, "the worker to reach RCPT", workers.logs)
    assert _status(queued.pk) == "sending"
    workers.kill(first)
    collector.release.set()
    assert collector.messages == []

    workers.start()
    # The sweep (beat's job, run here by its management command) takes the claim back.
    settings.OUTBOX_STALE_SECONDS = 1
    queued.refresh_from_db()
    wait_for(lambda: time.time() > queued.claimed_at.timestamp() + 1.5, "staleness", str)
    out = io.StringIO()
    call_command("send_outbox", stdout=out)
    assert out.getvalue().startswith("Reset 1 stale")

    wait_for(lambda: len(collector.messages) == 1, "the resent message", workers.logs)
    wait_for(lambda: _status(queued.pk) == "sent", "the row to say sent", workers.logs)
    # The killed worker's message comes back after the visibility timeout and is acked
    # without a second send.
    wait_for(lambda: drained(broker), "the redelivered message to be handled", workers.logs)
    assert len(collector.messages) == 1
    message = email.message_from_bytes(collector.messages[0], policy=email.policy.default)
    assert message["Message-ID"] == queued.message_id
    assert [part.get_content() for part in message.iter_attachments()] == [pdf_bytes]
    queued.refresh_from_db()
    assert queued.attempts == 2  # the killed attempt and the resend
    # The second worker ran two deliveries: the sweep's and the killed worker's message.
    received = [line for line in workers.log(2).splitlines() if line.endswith("] received")]
    assert len(received) == 2, workers.logs()
    assert all("outbox.tasks.outbox_send[" in line for line in received)


def test_worker_killed_mid_send_recovers_within_two_minutes_with_the_default_window(
    workers, smtp, broker, queue_without_case, pdf_bytes, settings
):
    """The real default OUTBOX_STALE_SECONDS, no shortcut: the message left by a killed
    worker arrives within two minutes of the kill. The sweep runs here every 5 s; beat runs
    it every minute, which adds at most 55 s, and the bound below allows for that."""
    from config.settings import OUTBOX_STALE_SECONDS

    settings.OUTBOX_STALE_SECONDS = OUTBOX_STALE_SECONDS  # the default, as deployed
    collector, _port = smtp
    first = workers.start()
    collector.stall_next.set()
    _queue_pack(queue_without_case, pdf_bytes)
    wait_for(collector.stalled.is_set, "the worker to reach RCPT", workers.logs)
    workers.kill(first)
    killed_at = time.monotonic()
    collector.release.set()
    workers.start()

    while not collector.messages and time.monotonic() - killed_at < 120:
        call_command("send_outbox", stdout=io.StringIO())
        time.sleep(5)
    recovered = time.monotonic() - killed_at
    assert len(collector.messages) == 1, workers.logs()
    assert recovered + 55 <= 120, recovered  # with beat's one-minute cadence
    wait_for(lambda: drained(broker), "the redelivered message to be handled", workers.logs)
    assert len(collector.messages) == 1
