"""Reminders on PostgreSQL: concurrent sweeps, a worker killed mid-sweep, the indexes.

These run in CI's PostgreSQL pass (marker `postgres`); the worker test also needs Redis.
Transactional tests restore the migration-seeded reference data (serialized_rollback).
"""

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from cases.models import Case
from outbox import services as outbox_services
from outbox.models import OutboundEmail
from reminders import services
from reminders.models import Reminder, ReminderPreference
from reminders.services import reminders_sweep
from tests import factories as f
from tests.integration import drained, wait_for

pytestmark = pytest.mark.postgres
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _due_followups(world, n: int) -> None:
    """n follow-ups overdue since yesterday, each due a reminder from REMINDERS_TIME today,
    and nothing else due (no digests, no response targets)."""
    for user in (world.owner, world.coordinator, world.reader, world.outsider):
        user.email = f"{user.username}@example.org"
        user.save()
        ReminderPreference.objects.create(user=user, digest=False)
    Case.objects.update(first_response_due=None)
    yesterday = timezone.localdate() - timedelta(days=1)
    for i in range(n):
        f.make_followup(case=world.case, assignee=world.owner, due_date=yesterday, title=f"T{i}")


@TRANSACTIONAL
def test_two_concurrent_sweeps_send_each_reminder_once(world, smtp, settings):
    """Two sweeps in two threads (two connections) over the same 100 due items, released
    together: the real SMTP server on loopback receives each reminder once."""
    collector, port = smtp
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.REMINDERS_TIME = "00:00"
    _due_followups(world, 100)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            reminders_sweep()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert Reminder.objects.filter(kind="followup_overdue", status="sent").count() == 100
    assert OutboundEmail.objects.filter(kind="reminders.followup_overdue").count() == 100
    assert len(collector.messages) == 100
    bodies = {m.split(b"\r\n\r\n", 1)[-1] for m in collector.messages}
    assert len(bodies) == 100  # one message per follow-up, none twice


@pytest.mark.django_db
def test_sweep_due_query_uses_partial_index():
    """The claim loop's query reads the partial index, not the table (seq scans off so the
    planner shows what it can use on a table this small)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    claim = Reminder.objects.filter(pk=1, status="pending", sent_at=None).explain()
    plan_due = (
        Reminder.objects.filter(status="pending", due_at__lte=timezone.now())
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[: services.SWEEP_BATCH]
        .explain()
    )
    assert "reminders_pending_due" in plan_due, plan_due
    assert "Index" in claim, claim
    plan_cases = (
        Case.objects.filter(first_response_at=None, first_response_due__lte=timezone.now())
        .order_by()  # as reminders.services.planning._plan_response asks
        .values_list("pk", flat=True)
        .explain()
    )
    assert "cases_case_response_due" in plan_cases, plan_cases


@pytest.mark.redis
@TRANSACTIONAL
def test_worker_killed_mid_sweep_loses_no_reminder(
    world, workers, smtp, broker, settings, monkeypatch
):
    """1. A real worker runs the sweep task over three chunks of due items and is killed
    (SIGKILL) once some, not all, are claimed. 2. A new worker starts and the sweep runs
    again (by its command here; beat would in five minutes). Every reminder arrives once:
    rows the killed sweep had committed have their e-mail in the outbox (same
    transaction), and the chunk it was in the middle of rolled back and is claimed by the
    second sweep."""
    from reminders.tasks import reminders_sweep as sweep_task

    collector, _port = smtp
    n = 3 * services.CHUNK  # chunks commit whole: several, so that the kill can fall between
    settings.REMINDERS_TIME = "00:00"
    workers.env["REMINDERS_TIME"] = "00:00"
    _due_followups(world, n)
    first = workers.start()
    sweep_task.delay()
    sent = Reminder.objects.filter(status="sent")
    # At least one chunk committed (chunks commit whole), so the kill falls mid-sweep.
    wait_for(lambda: sent.count() >= services.CHUNK, "the sweep to be under way", workers.logs)
    workers.kill(first)
    claimed_when_killed = sent.count()
    assert 0 < claimed_when_killed < n, "the sweep finished before the kill; raise n"

    workers.start()
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    # The killed worker's sweep message may come back (visibility timeout) while this sweep
    # runs: then the two share the remaining rows, each claimed by one of them.
    assert "failed 0" in out.getvalue()
    assert OutboundEmail.objects.filter(kind="reminders.followup_overdue").count() == n
    # The kill may also have come between a chunk's commit and the publishing of its
    # e-mails' tasks: those e-mails are pending in the outbox, and the outbox sweep (beat,
    # every minute; after REQUEUE_AFTER) queues them again. Here at once.
    monkeypatch.setattr(outbox_services, "REQUEUE_AFTER", timedelta(0))
    call_command("send_outbox", stdout=io.StringIO())
    wait_for(lambda: len(collector.messages) == n, f"{n} messages", workers.logs)
    # The killed worker's sweep message comes back after the visibility timeout and finds
    # nothing pending.
    wait_for(lambda: drained(broker), "the queue to drain", workers.logs)
    assert len(collector.messages) == n
    assert Reminder.objects.filter(status="sent").count() == n
    assert OutboundEmail.objects.filter(kind="reminders.followup_overdue").count() == n
