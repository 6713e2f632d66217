"""The walks of open plan steps by due date skip the resting ones without reading them, on
PostgreSQL (reports 0005: reports_planstep_open_due holds only steps that do not rest).

The resting steps are the oldest open ones (a closed case's plan stops where it was): at
a million cases "My work" read past 3,095 of them to find its first 30, and the case
list's "Only with overdue plan steps" took 250-940 ms against 77-85 (docs/benchmarks.md).
These tests read how many steps PostgreSQL read."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from onboarding.models import OnboardingPlan, PlanStep
from onboarding.parts import cases_with_overdue_steps
from onboarding.selectors import my_plan_steps_for_screen
from tests import factories as f
from tests.plans import plan_nodes, plan_of

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

RESTING = 300


@pytest.fixture
def old_resting_steps(world):
    """RESTING open steps long overdue on a closed case, and a few live ones of the owner."""
    closed = f.make_case(organisation=world.kommune, owner=world.owner)
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED, closed_at=timezone.now())
    common = {"title_nb": "Steg", "title_en": "Step", "assignee": world.owner}
    resting_plan = OnboardingPlan.objects.create(case=closed, move_date=date(2020, 1, 1))
    live_plan = OnboardingPlan.objects.create(case=world.case, move_date=date(2027, 1, 1))
    today = timezone.localdate()
    PlanStep.objects.bulk_create(
        [
            PlanStep(plan=resting_plan, due_date=date(2021, 1, 1), rests=True, **common)
            for _ in range(RESTING)
        ]
        + [
            PlanStep(plan=live_plan, due_date=today - timedelta(days=i), **common)
            for i in range(1, 4)
        ]
    )
    return world


def _steps_read(queryset, *, probes_dear=False):
    """Rows of onboarding_planstep that the plan of `queryset` read: those its scans
    returned and those they filtered out.
    `probes_dear`: make a probe per case look dear, as many cases make it at scale, so
    that PostgreSQL reads the overdue steps at once."""
    sql, params = queryset.query.sql_with_params()
    # The tables are small: without enable_seqscan off PostgreSQL reads them whole,
    # walking nothing.
    settings = {"enable_seqscan": "off"}
    if probes_dear:
        settings["random_page_cost"] = "1000"
    plan = plan_of(sql, params, options="ANALYZE", settings=settings)
    return sum(
        (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0))
        * node.get("Actual Loops", 1)
        for node, _subplan in plan_nodes(plan)
        if node.get("Relation Name") == "onboarding_planstep"
    )


def test_my_steps_do_not_read_the_resting_ones(old_resting_steps):
    steps = my_plan_steps_for_screen(user=old_resting_steps.owner)[:30]
    assert len(steps) == 3
    assert _steps_read(steps) < RESTING


def test_the_overdue_steps_filter_does_not_read_the_resting_ones(old_resting_steps):
    cases = cases_with_overdue_steps(Case.objects.all()).values("pk")
    assert list(cases) == [{"pk": old_resting_steps.case.pk}]
    assert _steps_read(cases, probes_dear=True) < RESTING
