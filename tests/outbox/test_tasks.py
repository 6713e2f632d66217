"""The outbox tasks: ids only in their messages, retries with the backoff, and no duplicate
when a message is delivered again."""

import json
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cases import services as case_services
from contacts.models import Municipality, Newcomer
from outbox.models import OutboundEmail
from outbox.tasks import outbox_send, outbox_sweep

FAILING = "tests.outbox.backends.FailingBackend"


def _intake(**overrides):
    data = {
        "name": "Olena Kovalenko",
        "email": "olena@example.org",
        "phone": "",
        "preferred_language": "en",
        "municipality": Municipality.objects.get(name="Narvik"),
        "locality": None,
        "planned_move_date": None,
        "target_group": Newcomer.TargetGroup.FAMILY,
        "occupation": "",
        "has_partner": False,
        "partner_needs_work": False,
        "partner_occupation": "",
        "children_birth_years": [],
        "interests": "",
        "topics": [],
        "message": "Hello",
        "heard_via": Newcomer.HeardVia.EMPLOYER,
        "share_scopes": [],
    }
    data.update(overrides)
    return case_services.intake_submit(**data)


@pytest.mark.django_db
def test_outbox_send_messages_carry_only_the_id(django_capture_on_commit_callbacks):
    with (
        mock.patch("outbox.tasks.outbox_send.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = _intake()
    email = OutboundEmail.objects.get(case_id=case.pk)
    assert delay.call_args_list == [mock.call(email.pk)]
    args, kwargs = delay.call_args
    assert json.dumps([args, kwargs]) == f"[[{email.pk}], {{}}]"


@pytest.mark.django_db
def test_outbox_sweep_messages_carry_only_ids(queue, django_capture_on_commit_callbacks):
    email, _ = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )
    with (
        mock.patch("outbox.tasks.outbox_send.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox_sweep.apply().get()
    assert delay.call_args_list == [mock.call(email.pk)]


@pytest.mark.django_db
def test_outbox_send_intake_receipt_goes_out_through_the_task(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _intake()
    email = OutboundEmail.objects.get(case_id=case.pk)
    assert email.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["olena@example.org"]]
    assert not case.events.filter(kind__startswith="cases.email").exists()


@pytest.mark.django_db
def test_outbox_send_no_duplicate_when_the_task_is_delivered_again(queue):
    email, _ = queue()
    outbox_send.apply(args=(email.pk,)).get()
    outbox_send.apply(args=(email.pk,)).get()  # redelivered after a lost ack
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_outbox_send_no_duplicate_after_a_retried_task(queue, settings):
    """The first attempt fails and the task retries; the retry sends. The original message,
    delivered again (a worker killed before its ack), and a late retry send nothing."""
    settings.EMAIL_BACKEND = FAILING
    email, _ = queue()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with (
            mock.patch.object(outbox_send, "retry", side_effect=Retry) as retry,
            pytest.raises(Retry),
        ):
            outbox_send(email.pk)
        retry.assert_called_once_with(countdown=60)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        clock.shift(60)
        outbox_send(email.pk)  # the retry
        outbox_send(email.pk)  # the original message, delivered again
        clock.shift(1800)
        outbox_send(email.pk)  # a second retry that was queued by mistake
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


@pytest.mark.django_db
def test_outbox_send_retry_countdown_follows_the_backoff(queue, settings):
    settings.EMAIL_BACKEND = FAILING
    email, _ = queue()
    countdowns = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            with (
                mock.patch.object(outbox_send, "retry", side_effect=Retry) as retry,
                pytest.raises(Retry),
            ):
                outbox_send(email.pk)
            countdown = retry.call_args.kwargs["countdown"]
            countdowns.append(countdown)
            clock.shift(countdown)
    assert countdowns == [60, 300, 1800, 1800]


@pytest.mark.django_db
def test_outbox_send_eager_failure_leaves_the_row_pending_without_raising(queue, settings):
    """Without a broker the task runs in the request: the enquiry must not fail with it."""
    settings.EMAIL_BACKEND = FAILING
    email, _ = queue()
    outbox_send.apply(args=(email.pk,)).get()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)


@pytest.mark.django_db(transaction=True, available_apps=["outbox"])
def test_outbox_send_broker_down_does_not_break_the_action(queue_without_case, caplog):
    """The row commits with the action; the failed enqueue is only logged (the action does
    not fail after its commit), and the sweep finds the row later."""
    with (
        mock.patch("outbox.tasks.outbox_send.delay", side_effect=OSError("broker down")),
        transaction.atomic(),
    ):
        email = queue_without_case()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert f"e-mail {email.pk} not queued now" in caplog.text


def test_outbox_send_is_acked_late_and_rejected_when_the_worker_is_lost():
    assert outbox_send.acks_late is True
    assert outbox_send.reject_on_worker_lost is True
    assert outbox_send.max_retries is None
    assert outbox_send.time_limit is not None
