"""The outbox services: queueing in the caller's transaction, the claim, retries with
backoff, giving up, and the sweep that recovers lost tasks and abandoned claims."""

import random
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outbox import services
from outbox.models import OutboundEmail
from outbox.services import EmailDeferred, email_send_one, email_sweep
from tests.outbox.backends import HookBackend

FAILING = "tests.outbox.backends.FailingBackend"


class Boom(Exception):
    pass


def _as(email_id, **fields):
    OutboundEmail.objects.filter(pk=email_id).update(**fields)


@pytest.mark.django_db
def test_email_queue_renders_in_the_language_and_saves_a_pending_row(queue, world, settings):
    settings.OUTBOX_MESSAGE_ID_DOMAIN = "tilflytt.example.org"
    english, callbacks = queue(language="en")
    bokmal, _ = queue(language="nb")
    assert len(callbacks) == 1  # the task, registered for after the commit
    assert english.status == OutboundEmail.Status.PENDING
    assert english.attempts == 0
    assert english.case_id == world.case.pk
    assert english.subject == f"We have received your enquiry ({world.case.reference})"
    assert "Anna" not in english.subject
    assert "Anna Kowalska" in english.body_text
    assert "<html" in english.body_html
    assert bokmal.subject != english.subject
    assert world.case.reference in bokmal.subject
    assert english.message_id.startswith("<")
    assert english.message_id.endswith("@tilflytt.example.org>")
    assert english.message_id != bokmal.message_id
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_queue_message_ids_stay_unique_when_the_shared_random_is_seeded_alike(queue):
    # Hypothesis seeds `random` per example; so may any library. Two e-mails queued in the
    # same instant after the same seed once got one Message-ID and the second failed.
    with mock.patch("time.time", return_value=1_800_000_000.0):
        random.seed(7)
        first, _ = queue(language="en")
        random.seed(7)
        second, _ = queue(language="en")
    assert first.message_id != second.message_id
    assert OutboundEmail.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


@pytest.mark.django_db
def test_email_queue_rolled_back_action_leaves_no_row_and_no_task(
    world, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        services.email_queue(
            kind="cases.intake_receipt",
            to=world.newcomer.email,
            template="intake_receipt",
            language="en",
            context={"case": world.case, "newcomer": world.newcomer},
            case_id=world.case.pk,
        )
        raise Boom
    assert OutboundEmail.objects.count() == 0
    assert callbacks == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "attachments",
    [
        [{"filename": "a.pdf", "mimetype": "application/pdf"}],
        [{"filename": "a.pdf", "mimetype": "application/pdf", "path": ""}],
        [{"filename": "a.pdf", "mimetype": "application/pdf", "path": "a", "extra": "x"}],
        ["a.pdf"],
    ],
)
def test_email_queue_rejects_malformed_attachments(queue, attachments):
    with pytest.raises(ValidationError):
        queue(attachments=attachments)
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_email_send_one_sends_once_with_message_id_and_attachment(queue, stored_pdf, pdf_bytes):
    email, _ = queue(attachments=[stored_pdf])
    assert email_send_one(email_id=email.pk) is True
    assert email_send_one(email_id=email.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email.to]
    assert message.subject == email.subject
    assert message.extra_headers["Message-ID"] == email.message_id
    assert message.message()["Message-ID"] == email.message_id
    assert message.alternatives[0].mimetype == "text/html"
    assert message.attachments == [("welcome-pack.pdf", pdf_bytes, "application/pdf")]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.sent_at is not None
    assert email.attempts == 1
    assert email.last_error == ""


@pytest.mark.django_db
def test_email_send_one_smtp_failure_goes_back_to_pending_with_backoff(queue, settings):
    settings.EMAIL_BACKEND = FAILING
    email, _ = queue()
    start = timezone.now()
    expected = [60, 300, 1800, 1800]
    with time_machine.travel(start, tick=False) as clock:
        for attempt, backoff in enumerate(expected, start=1):
            with pytest.raises(EmailDeferred) as deferred:
                email_send_one(email_id=email.pk)
            assert deferred.value.retry_in == backoff
            email.refresh_from_db()
            assert email.status == OutboundEmail.Status.PENDING
            assert email.attempts == attempt
            assert email.next_attempt_at == timezone.now() + timedelta(seconds=backoff)
            assert email.last_error == ("SMTPServerDisconnected: Connection unexpectedly closed")
            # Not due yet: a duplicate task that arrives early does nothing.
            clock.shift(backoff - 1)
            assert email_send_one(email_id=email.pk) is False
            clock.shift(1)
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_send_one_then_succeeds_on_a_later_attempt(queue, settings):
    settings.EMAIL_BACKEND = FAILING
    email, _ = queue()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with pytest.raises(EmailDeferred):
            email_send_one(email_id=email.pk)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        clock.shift(60)
        assert email_send_one(email_id=email.pk) is True
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_email_send_one_gives_up_after_max_attempts(queue, settings, caplog):
    settings.EMAIL_BACKEND = FAILING
    settings.OUTBOX_MAX_ATTEMPTS = 2
    email, _ = queue()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with pytest.raises(EmailDeferred):
            email_send_one(email_id=email.pk)
        clock.shift(60)
        assert email_send_one(email_id=email.pk) is False
        clock.shift(3600)
        assert email_send_one(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 2
    assert email.last_error.startswith("SMTPServerDisconnected")
    assert f"e-mail {email.pk} failed" in caplog.text
    assert email.to not in caplog.text


@pytest.mark.django_db
def test_email_send_one_keeps_addresses_out_of_last_error(queue, settings):
    settings.EMAIL_BACKEND = "tests.outbox.backends.RefusingBackend"
    email, _ = queue()
    with pytest.raises(EmailDeferred):
        email_send_one(email_id=email.pk)
    email.refresh_from_db()
    assert email.last_error == "SMTPRecipientsRefused: 550"
    assert "@" not in email.last_error


@pytest.mark.django_db
def test_email_send_one_fails_at_once_on_a_bug(queue, settings):
    settings.EMAIL_BACKEND = "tests.outbox.backends.BrokenBackend"
    email, _ = queue()
    with pytest.raises(ValueError, match="a bug"):
        email_send_one(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("failed", 1, "ValueError: a bug")


@pytest.mark.django_db
def test_email_send_one_claim_prevents_a_double_send(queue):
    email, _ = queue()
    # Someone else holds the claim: nothing happens.
    _as(email.pk, status="sending", claimed_at=timezone.now(), attempts=1)
    assert email_send_one(email_id=email.pk) is False
    _as(email.pk, status="pending", claimed_at=None, attempts=0)
    results = [email_send_one(email_id=email.pk) for _ in range(2)]
    assert results == [True, False]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_email_send_one_records_sent_when_the_sweep_took_the_claim_back_meanwhile(queue, settings):
    """An attempt that outlived OUTBOX_STALE_SECONDS: the sweep made it pending, nobody has
    claimed it again, so "sent" is still recorded and it is not sent twice."""
    settings.EMAIL_BACKEND = "tests.outbox.backends.HookBackend"
    email, _ = queue()
    HookBackend.during_send = lambda: _as(email.pk, status="pending")
    try:
        assert email_send_one(email_id=email.pk) is True
    finally:
        HookBackend.during_send = None
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email_send_one(email_id=email.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_email_sweep_requeues_pending_rows_whose_task_was_lost(
    queue, django_capture_on_commit_callbacks
):
    now = timezone.now()
    lost, _ = queue()
    recent, _ = queue()
    _as(lost.pk, next_attempt_at=now - timedelta(minutes=6))  # e.g. Redis was flushed
    _as(recent.pk, next_attempt_at=now - timedelta(minutes=1))  # its task may still come
    with mock.patch("outbox.tasks.outbox_send.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            result = email_sweep()
        assert result.requeued == [lost.pk]
        assert delay.call_args_list == [mock.call(lost.pk)]
        lost.refresh_from_db()
        assert lost.next_attempt_at >= now
        # The next sweeps leave it alone while its new task runs.
        delay.reset_mock()
        with django_capture_on_commit_callbacks(execute=True):
            assert email_sweep().requeued == []
        delay.assert_not_called()


@pytest.mark.django_db
def test_email_sweep_then_sends_the_lost_row(queue, django_capture_on_commit_callbacks):
    email, _ = queue()
    _as(email.pk, next_attempt_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        email_sweep()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_email_sweep_resends_a_stale_sending_row_once_with_the_same_message_id(
    queue, settings, django_capture_on_commit_callbacks
):
    """The window left open: the server accepted the message and the worker died before
    recording it. The sweep sends it again, once, with the same Message-ID."""
    email, _ = queue()
    assert email_send_one(email_id=email.pk) is True
    # The worker "died" after the server accepted it: the row still says sending.
    claimed_at = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_SECONDS + 1)
    _as(email.pk, status="sending", sent_at=None, claimed_at=claimed_at)
    with django_capture_on_commit_callbacks(execute=True):
        result = email_sweep()
    assert result.reset == [email.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert email_sweep().reset == []
    assert len(mail.outbox) == 2
    assert {m.message()["Message-ID"] for m in mail.outbox} == {email.message_id}
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


@pytest.mark.django_db
def test_email_sweep_leaves_a_recent_claim_alone(queue, django_capture_on_commit_callbacks):
    email, _ = queue()
    _as(email.pk, status="sending", claimed_at=timezone.now() - timedelta(seconds=30), attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = email_sweep()
    assert (result.reset, result.failed, result.requeued) == ([], [], [])
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENDING


@pytest.mark.django_db
def test_email_sweep_fails_a_stale_row_with_no_attempt_left(
    queue, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email, _ = queue()
    _as(email.pk, status="sending", claimed_at=timezone.now() - timedelta(hours=1), attempts=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert email_sweep().failed == [email.pk]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.last_error.startswith("WorkerLost")
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_sweep_dry_run_changes_nothing(queue, django_capture_on_commit_callbacks):
    stale, _ = queue()
    lost, _ = queue()
    _as(stale.pk, status="sending", claimed_at=timezone.now() - timedelta(hours=1), attempts=1)
    _as(lost.pk, next_attempt_at=timezone.now() - timedelta(hours=1))
    before = list(OutboundEmail.objects.order_by("pk").values())
    with django_capture_on_commit_callbacks() as callbacks:
        result = email_sweep(dry_run=True)
    assert (result.reset, result.requeued) == ([stale.pk], [lost.pk])
    assert callbacks == []
    assert list(OutboundEmail.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_email_retry_queues_failed_and_pending_rows_only(queue, django_capture_on_commit_callbacks):
    failed, _ = queue()
    sent, _ = queue()
    _as(failed.pk, status="failed", attempts=6, last_error="SMTPServerDisconnected")
    _as(sent.pk, status="sent", attempts=1, sent_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.email_retry(email_ids=[failed.pk, sent.pk]) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 7)
    assert len(mail.outbox) == 1
