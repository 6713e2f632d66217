"""The check-ins sweep under a controlled clock: each invitation once, at most one
reminder, never without consent, after the holidays and across the clock changes."""

from datetime import UTC, date, timedelta

import pytest
import time_machine
from django.core.management import call_command

from cases.models import CaseEvent
from contacts.models import Newcomer
from onboarding.models import OnboardingPlan, OnboardingTemplate
from outbox.models import OutboundEmail
from outcomes.models import CheckIn, CheckInOptOut, CheckInSchedule
from outcomes.services import checkins_sweep
from tests.reminders.conftest import at

APRIL_15 = date(2026, 4, 15)  # a Wednesday: 3 months after the move


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return checkins_sweep()


def invitations():
    return OutboundEmail.objects.filter(kind="outcomes.checkin_invitation")


def reminders():
    return OutboundEmail.objects.filter(kind="outcomes.checkin_reminder")


def test_sweep_invites_once_at_invite_time_in_their_language(moved):
    Newcomer.objects.filter(pk=moved.newcomer.pk).update(preferred_language="uk")
    sweep_at(at(APRIL_15, 9, 55))
    assert not invitations().exists()
    checkin = CheckIn.objects.get(months=3)
    assert checkin.status == CheckIn.Status.PENDING
    sweep_at(at(APRIL_15, 10, 0))
    sweep_at(at(APRIL_15, 10, 0))
    sweep_at(at(APRIL_15, 10, 15))
    mail = invitations().get()
    assert mail.to == "anna@example.org"
    assert mail.language == "uk"
    assert "Anna" not in mail.subject
    assert "/uk/my/" in mail.body_text
    checkin.refresh_from_db()
    assert checkin.status == CheckIn.Status.INVITED
    assert checkin.invited_at == at(APRIL_15, 10, 0)
    assert CheckIn.objects.count() == 1  # 6, 12 and 24 months have not come
    assert CaseEvent.objects.filter(kind="outcomes.checkin.invited").count() == 1


def test_sweep_one_reminder_at_most(moved):
    sweep_at(at(APRIL_15, 10, 0))
    for days in range(1, 40):
        sweep_at(at(APRIL_15 + timedelta(days=days), 10, 0))
    assert invitations().count() == 1
    assert reminders().count() == 1
    checkin = CheckIn.objects.get(months=3)
    assert checkin.reminded_at == at(date(2026, 4, 29), 10, 0)  # 14 days, a Wednesday


def test_sweep_no_reminder_after_an_answer(moved):
    from outcomes.services import checkin_answer_record
    from tests.outcomes.conftest import answers

    sweep_at(at(APRIL_15, 10, 0))
    checkin_answer_record(checkin=CheckIn.objects.get(months=3), answers=answers())
    sweep_at(at(APRIL_15 + timedelta(days=20), 10, 0))
    assert not reminders().exists()


@pytest.mark.parametrize(
    "change",
    [
        {"erased_at": at(APRIL_15, 8)},
        {"consent_given_at": None},
        {"email": ""},
    ],
    ids=["erased", "no-consent", "no-address"],
)
def test_sweep_never_without_consent_or_to_erased(moved, change):
    Newcomer.objects.filter(pk=moved.newcomer.pk).update(**change)
    sweep_at(at(APRIL_15, 10, 0))
    assert not invitations().exists()
    if "erased_at" not in change:  # an erased newcomer gets no row at all
        assert CheckIn.objects.get(months=3).status == CheckIn.Status.SKIPPED


def test_sweep_no_reminder_after_opting_out(moved):
    sweep_at(at(APRIL_15, 10, 0))
    CheckInOptOut.objects.create(newcomer=moved.newcomer)
    sweep_at(at(APRIL_15 + timedelta(days=14), 10, 0))
    assert invitations().count() == 1
    assert not reminders().exists()


def test_sweep_holiday_waits_for_the_next_working_day(moved):
    """Due on 17 May 2027 (Constitution Day, a Monday): invited on Tuesday at 10:00."""
    Newcomer.objects.filter(pk=moved.newcomer.pk).update(moved_at=date(2026, 5, 17))
    holiday = date(2027, 5, 17)
    sweep_at(at(holiday, 10, 0))
    assert not invitations().exists()
    assert CheckIn.objects.get(months=12).due_at == at(holiday + timedelta(days=1), 10, 0)
    sweep_at(at(holiday + timedelta(days=1), 10, 0))
    assert invitations().count() == 1


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_sweep_dst_invitation_fires_exactly_once(moved, day):
    """Due on the Sunday the clocks change: sweeps every five minutes (in UTC) through that
    day and the Monday; one invitation, Monday 10:00 local time."""
    Newcomer.objects.filter(pk=moved.newcomer.pk).update(moved_at=day.replace(year=day.year - 1))
    CheckIn.objects.all().delete()
    moment = at(day, 0, 0).astimezone(UTC)
    end = at(day + timedelta(days=1), 12, 0).astimezone(UTC)
    while moment < end:
        sweep_at(moment)
        moment += timedelta(minutes=5)
    checkin = CheckIn.objects.get(months=12)
    assert checkin.invited_at == at(day + timedelta(days=1), 10, 0)
    assert invitations().count() == 1


def test_sweep_long_past_checkins_are_missed_not_sent(moved):
    """The first run over old data: 3 and 6 months long past are written as missed."""
    sweep_at(at(date(2027, 2, 3), 10, 0))
    statuses = dict(CheckIn.objects.values_list("months", "status"))
    assert statuses == {3: "missed", 6: "missed", 12: "invited"}
    assert invitations().count() == 1


def test_sweep_template_schedule_overrides_default(moved):
    template = OnboardingTemplate.objects.create(slug="t", name_nb="T", name_en="T")
    OnboardingPlan.objects.create(case=moved.case, template=template, move_date=date(2026, 1, 15))
    CheckInSchedule.objects.create(template=template, months="2, 9")
    sweep_at(at(APRIL_15, 10, 0))
    assert list(CheckIn.objects.values_list("months", flat=True)) == [2]


def test_send_checkins_command_dry_run_writes_nothing(moved, capsys):
    with time_machine.travel(at(APRIL_15, 10, 0), tick=False):
        call_command("send_checkins", "--dry-run")
    assert "Would plan 1 check-ins" in capsys.readouterr().out
    assert not CheckIn.objects.exists()
