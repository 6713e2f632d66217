"""The monthly report e-mail: each active coordinator's PDF, in their language, once."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from contacts.models import Membership
from outbox.models import OutboundEmail
from reports.models import MonthlyReportDelivery
from reports.services import monthly_report_send
from tests import factories as f


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def coordinators(known):
    world = known.world
    world.coordinator.email = "coordinator@example.org"
    world.coordinator.save()
    admin = f.make_user(username="admin", organisation=world.skole, role=Membership.Role.ADMIN)
    admin.email = "admin@example.org"
    admin.save()
    retired = f.make_user(
        username="retired", organisation=world.kommune, role=Membership.Role.COORDINATOR
    )
    retired.email, retired.is_active = "retired@example.org", False
    retired.save()
    world.owner.email = "owner@example.org"  # a member: no report
    world.owner.save()
    return [world.coordinator, admin]


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_monthly_report_runs_twice_one_email_per_coordinator(
    coordinators, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = monthly_report_send()
    with django_capture_on_commit_callbacks(execute=True):
        second = monthly_report_send()
    ids = sorted(user.pk for user in coordinators)
    assert sorted(first.sent) == ids and first.already == []
    assert second.sent == [] and sorted(second.already) == ids
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.org", "coordinator@example.org"]
    assert OutboundEmail.objects.filter(kind="reports.monthly_report").count() == 2
    rows = MonthlyReportDelivery.objects.all()
    assert {(r.user_id, r.month.isoformat(), r.language) for r in rows} == {
        (pk, "2026-01-01", "nb") for pk in ids
    }


def test_monthly_report_attachment_is_the_pdf_with_the_figures(
    coordinators, monkeypatch, django_capture_on_commit_callbacks
):
    # As for a coordinator whose profile says English (there is no such field yet).
    monkeypatch.setattr("reports.services.recipient_language", lambda user: "en")
    with django_capture_on_commit_callbacks(execute=True):
        monthly_report_send()
    message = next(m for m in mail.outbox if m.to == ["coordinator@example.org"])
    assert "January 2026" in message.subject
    assert "coordinator" not in message.subject  # no personal data in subjects
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == ("tilflytt-report-2026-01.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    for expected in (
        "Newcomer team: monthly report for January 2026",
        "New enquiries 4 1 +3",
        "Onboarding plans started 1 1 ±0",
        "Share done on time 50.0 % 100.0 %",
    ):
        assert expected in text, expected


def test_monthly_report_in_bokmal_by_default(coordinators, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        monthly_report_send()
    message = mail.outbox[0]
    assert "januar 2026" in message.subject.lower()
    assert PdfReader(io.BytesIO(message.attachments[0][1])).trailer["/Root"]["/Lang"] == "nb"


def test_send_monthly_report_command_dry_run_and_month(coordinators, capsys):
    call_command("send_monthly_report", "--dry-run")
    assert "2 report(s) would be queued; 0 already sent." in capsys.readouterr().out
    assert not MonthlyReportDelivery.objects.exists()
    call_command("send_monthly_report", "--month", "2025-12")
    assert "2 report(s) queued" in capsys.readouterr().out
    assert set(MonthlyReportDelivery.objects.values_list("month", flat=True)) == {date(2025, 12, 1)}
    call_command("send_monthly_report", "--month", "2025-12")
    assert "0 report(s) queued; 2 already sent." in capsys.readouterr().out
    for bad in ("2026-03", "december"):
        with pytest.raises(CommandError):
            call_command("send_monthly_report", "--month", bad)


def test_monthly_report_task_sends_last_months_report(coordinators):
    from reports.tasks import monthly_report_send_all

    monthly_report_send_all.delay()
    assert MonthlyReportDelivery.objects.filter(month=date(2026, 1, 1)).count() == 2


def test_monthly_report_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-report"]
    assert entry["task"] == "reports.tasks.monthly_report_send_all"
    schedule = entry["schedule"]
    # Hourly on the first days, so a run lost with the broker is made up within the hour.
    assert (schedule.day_of_month, schedule.hour, schedule.minute) == (
        {1, 2, 3},
        set(range(6, 19)),
        {0},
    )
