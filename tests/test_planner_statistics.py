"""PostgreSQL counts open work and a person's open cases right, though the columns it tests
go together (cases 0020, onboarding 0016: extended statistics).

Taken as independent, "not done and not resting" came out 13 times too few at a million
cases, and the planner hashed every overdue follow-up where a probe per case was cheaper
(docs/benchmarks.md). Each test builds such data, analyses it and reads the planner's
estimate; without the statistics it is a tenth of the rows or less.

ANALYZE writes pg_class in place, past the test's rollback: each test leaves the
statistics of empty tables behind (as tests/cases/test_count_estimate.py), since the case
list's estimated count reads them."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Case, FollowUp
from onboarding.models import OnboardingPlan, PlanStep
from tests import factories as f
from tests.plans import plan_of

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

RESTING, LIVE = 600, 40


def _estimate(sql, params=()):
    return plan_of(sql, params)["Plan Rows"]


def test_open_follow_ups_not_resting_are_counted_right(world, analysed):
    closed = f.make_case(organisation=world.kommune)
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED, closed_at=timezone.now())
    now, day = timezone.now(), date(2026, 1, 5)
    common = {"title": "Ring", "assignee": world.owner, "created_by": world.owner}
    FollowUp.objects.bulk_create(
        [
            FollowUp(case=closed, due_date=day, done_at=now, rests=True, **common)
            for _ in range(RESTING)
        ]
        + [FollowUp(case=world.case, due_date=day, **common) for _ in range(LIVE)]
    )
    analysed("cases_followup")
    rows = _estimate("SELECT 1 FROM cases_followup WHERE done_at IS NULL AND NOT rests")
    assert LIVE / 2 <= rows <= LIVE * 2


def test_a_persons_open_cases_are_counted_right(world, analysed):
    """Those who own many cases own many open ones: owner and status go together."""
    many, closed = 300, 700
    newcomer = f.make_newcomer()
    Case.objects.bulk_create(
        [
            Case(reference=f"T-OPEN-{i}", newcomer=newcomer, owner=world.owner, status="open")
            for i in range(many)
        ]
        + [
            Case(
                reference=f"T-DONE-{i}",
                newcomer=newcomer,
                owner=world.reader,
                status="closed",
                closed_at=timezone.now(),
            )
            for i in range(closed)
        ]
    )
    analysed("cases_case")
    rows = _estimate(
        "SELECT 1 FROM cases_case WHERE owner_id = %s AND NOT status = 'closed'", [world.owner.pk]
    )
    assert many / 2 <= rows <= many * 2


def test_open_plan_steps_not_resting_are_counted_right(world, analysed):
    plan = OnboardingPlan.objects.create(case=world.case, move_date=date(2027, 4, 1))
    due = date(2026, 1, 5)
    common = {"plan": plan, "title_nb": "Steg", "title_en": "Step", "due_date": due}
    PlanStep.objects.bulk_create(
        [
            PlanStep(status="done", done_at=timezone.now(), rests=True, **common)
            for _ in range(RESTING)
        ]
        + [PlanStep(status="open", **common) for _ in range(LIVE)]
    )
    analysed("onboarding_planstep")
    rows = _estimate(
        "SELECT 1 FROM onboarding_planstep WHERE status = 'open' AND NOT rests AND due_date < %s",
        [due + timedelta(days=1)],
    )
    assert LIVE / 2 <= rows <= LIVE * 2
