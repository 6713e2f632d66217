"""seed_demo's plans and check-ins look like a team's real history: steps done at
realistic times (mostly on time), plans started in earlier periods, and enough settling-in
answers that the Outcomes figures show."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from onboarding.models import OnboardingPlan, PlanStep
from outcomes.figures import outcome_figures
from outcomes.models import Answer, CheckIn, UnmetNeed
from outcomes.schedule import default_months


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--newcomers", "200", stdout=StringIO())
    return timezone.now()


@pytest.mark.django_db
def test_seed_demo_realistic_completion_times_and_checkins(seeded):
    now = seeded
    done = PlanStep.objects.filter(status=PlanStep.Status.DONE)
    assert done.count() > 50
    # Not all at the seed time: spread over the past, most by their due date.
    assert done.filter(done_at__lt=now - timedelta(days=30)).count() > done.count() / 3
    on_time = sum(1 for s in done if timezone.localtime(s.done_at).date() <= s.due_date)
    assert 0.5 < on_time / done.count() < 0.95
    assert not done.filter(done_at__lt=F("plan__started_at")).exists()
    assert OnboardingPlan.objects.filter(started_at__lt=now - timedelta(days=120)).exists()

    answers = Answer.objects.all()
    assert answers.count() >= 20
    assert not answers.filter(answered_at__gt=now).exists()
    assert UnmetNeed.objects.exclude(reviewed_at=None).exists()
    figures = outcome_figures(
        checkins=CheckIn.objects.all(), months=default_months(), today=timezone.localdate()
    )
    assert figures.overall.shares[3].percent is not None  # not suppressed
    assert figures.overall.shares[6].percent is not None
