"""A closed case's open work rests (cases.selectors.case_work_rests): nobody is reminded of it,
in e-mails or digests, until the case is reopened."""

from datetime import timedelta

from cases.models import Case
from cases.services import case_change_status
from contacts.models import Newcomer
from onboarding.models import TemplateStep
from reminders.models import Reminder, ReminderPreference
from reminders.selectors import digest_for_user
from reminders.services import reminders_plan, sweep
from tests import factories as f
from tests.reminders.conftest import WED, at, mails, make_step, sweep_at


def _close(case, actor):
    case_change_status(case=case, status=Case.Status.CLOSED, closing_reason="answered", actor=actor)


def _reopen(case, actor):
    case_change_status(case=case, status=Case.Status.OPEN, actor=actor)


def test_closed_case_work_is_not_reminded_and_reopening_brings_it_back(quiet):
    f.make_followup(case=quiet.case, assignee=quiet.owner, due_date=WED)
    make_step(case=quiet.case, due_date=WED, assignee=quiet.owner)
    _close(quiet.case, quiet.owner)
    sweep_at(at(WED, 9, 0))
    assert not Reminder.objects.exists()
    assert not mails("followup_due").exists() and not mails("step_due").exists()
    _reopen(quiet.case, quiet.owner)
    sweep_at(at(WED + timedelta(days=1), 9, 0))
    assert mails("followup_overdue").count() == 1
    assert mails("step_overdue").count() == 1


def test_reminder_planned_before_the_case_closed_is_not_sent(quiet, monkeypatch):
    """The case closes between planning and sending (the sweep plans, then sends in
    chunks): the row ends skipped, with no e-mail."""
    f.make_followup(case=quiet.case, assignee=quiet.owner, due_date=WED)
    make_step(case=quiet.case, due_date=WED, assignee=quiet.owner)

    def plan_then_close(*, now):
        rows = reminders_plan(now=now)
        _close(quiet.case, quiet.owner)
        return rows

    monkeypatch.setattr(sweep, "reminders_plan", plan_then_close)
    result = sweep_at(at(WED, 9, 0))
    assert result.planned == 2
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SKIPPED}
    assert not mails("followup_due").exists() and not mails("step_due").exists()


def test_newcomer_deadline_of_a_closed_case_is_not_reminded(quiet):
    Newcomer.objects.filter(pk=quiet.newcomer.pk).update(reminders_consent_at=at(WED, 8))
    deadline = WED + timedelta(days=30)
    make_step(case=quiet.case, due_date=deadline, doer=TemplateStep.Doer.NEWCOMER)
    _close(quiet.case, quiet.owner)
    sweep_at(at(deadline - timedelta(days=7), 9, 0))
    assert not Reminder.objects.filter(kind=Reminder.Kind.NEWCOMER_DEADLINE).exists()
    _reopen(quiet.case, quiet.owner)
    sweep_at(at(deadline - timedelta(days=6), 9, 0))
    assert mails("newcomer_deadline").count() == 1


def test_digest_leaves_out_a_closed_case_work(quiet):
    ReminderPreference.objects.filter(user=quiet.owner).update(digest=True)
    open_case = f.make_case(organisation=quiet.kommune, owner=quiet.owner)
    f.make_followup(case=quiet.case, assignee=quiet.owner, due_date=WED, title="Closed one")
    f.make_followup(case=open_case, assignee=quiet.owner, due_date=WED, title="Open one")
    make_step(case=quiet.case, due_date=WED, assignee=quiet.owner, title="Closed step")
    make_step(case=open_case, due_date=WED, assignee=quiet.owner, title="Open step")
    _close(quiet.case, quiet.owner)
    digest = digest_for_user(user=quiet.owner, now=at(WED + timedelta(days=1), 8, 0))
    assert [line.title for line in digest.followups] == ["Open one"]
    assert [line.title for line in digest.steps] == ["Open step"]
