"""`manage.py send_outbox`: the sweep by hand (or from cron without a broker)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from outbox.models import OutboundEmail


@pytest.mark.django_db
def test_send_outbox_dry_run_reports_and_changes_nothing(queue):
    email, _ = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )
    out = StringIO()
    call_command("send_outbox", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "Would reset 0 stale, fail 0, queue 1 again."
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert mail.outbox == []


@pytest.mark.django_db
def test_send_outbox_sends_what_the_broker_lost(queue, django_capture_on_commit_callbacks):
    email, _ = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_outbox", stdout=out)
    assert out.getvalue().strip() == "Reset 0 stale, failed 0, queued 1 again."
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
