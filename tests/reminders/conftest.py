from datetime import date, datetime, time

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db.models import F, Value
from django.db.models.functions import Concat

from cases.models import Case
from cases.workingtime import local_at
from onboarding.models import OnboardingPlan, PlanStep, TemplateStep
from outbox.models import OutboundEmail
from reminders.models import ReminderPreference
from reminders.services import reminders_sweep

WED = date(2026, 6, 10)


@pytest.fixture
def staff_emails(world):
    """Every persona gets an address (the sweep skips staff without one)."""
    get_user_model().objects.update(email=Concat(F("username"), Value("@example.org")))
    return world


def at(day: date, hh: int, mm: int = 0) -> datetime:
    """An aware local (Europe/Oslo) moment."""
    return local_at(day, time(hh, mm))


def make_step(*, case, due_date: date, assignee=None, doer=TemplateStep.Doer.TEAM, title="Step"):
    plan, _created = OnboardingPlan.objects.get_or_create(
        case=case, defaults={"move_date": due_date}
    )
    return PlanStep.objects.create(
        plan=plan,
        titles={"nb": title, "en": title},
        title_nb=title,
        title_en=title,
        doer=doer,
        assignee=assignee,
        anchor=TemplateStep.Anchor.MOVE_DATE,
        due_date=due_date,
        rests=plan.case.status == Case.Status.CLOSED,  # as onboarding.services.step_add
    )


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return reminders_sweep()


def mails(kind):
    return OutboundEmail.objects.filter(kind=f"reminders.{kind}")


@pytest.fixture
def quiet(staff_emails):
    """No digests and no response targets, so a test sees only what it sets up."""
    w = staff_emails
    for user in (w.owner, w.coordinator, w.reader, w.outsider):
        ReminderPreference.objects.create(user=user, digest=False)
    Case.objects.update(first_response_due=None)
    return w
