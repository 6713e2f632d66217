"""What onboarding adds to the case screens (cases.registries): the plan on the case page,
"My onboarding steps" on My work, the progress column and the overdue-steps filter of the
case list, and the plan that moves with the move date."""

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from cases.models import Case
from cases.selectors import case_rests_q, work_on_open_cases
from config.pagination import SECTION_COUNT_CAP, count_at_most
from contacts.models import Newcomer
from onboarding import selectors, services
from onboarding.forms import MoveDateForm, StepAddForm, StepReassignForm
from onboarding.models import OnboardingPlan, PlanStep

MINE_SHOWN = 30


def plan_part_context(request: HttpRequest, case: Case, can_manage: bool) -> dict[str, Any]:
    """What the case page shows of the plan, in a fixed number of queries."""
    plan = selectors.plan_for_case(case=case)
    # Requested packs not built yet: normally for seconds; for longer when the background
    # service is down, and staff should see that the pack is recorded and waiting.
    packs_pending = list(selectors.welcome_packs_pending(case=case))
    if plan is None:
        return {"plan": None, "welcome_packs_pending": packs_pending}
    steps = list(selectors.plan_steps(plan=plan))
    done = sum(1 for s in steps if s.status == PlanStep.Status.DONE)
    applicable = sum(1 for s in steps if s.status != PlanStep.Status.SKIPPED)
    return {
        "plan": plan,
        "welcome_packs_pending": packs_pending,
        "plan_steps": steps,
        "plan_done": done,
        "plan_applicable": applicable,
        "move_date_form": MoveDateForm(initial={"move_date": plan.move_date}),
        "step_add_form": StepAddForm(),
        "step_reassign_form": StepReassignForm(),
    }


def my_steps_part_context(request: HttpRequest, today: date) -> dict[str, Any] | None:
    """The user's open plan steps on "My work": the first few and their count."""
    steps = selectors.my_plan_steps_for_screen(user=request.user)
    shown = list(steps[:MINE_SHOWN])
    if not shown:
        return None
    cap = SECTION_COUNT_CAP
    return {"steps": shown, "count": count_at_most(steps, cap), "cap": cap}


def progress_annotations() -> dict[str, Any]:
    """Onboarding progress per case (done, applicable) as two correlated counts, so a list
    page needs no query per row."""

    def count(steps: QuerySet[PlanStep]) -> Coalesce:
        counted = (
            steps.filter(plan__case_id=OuterRef("pk"))
            .order_by()
            .values("plan__case_id")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return {
        "steps_done": count(PlanStep.objects.filter(status=PlanStep.Status.DONE)),
        "steps_applicable": count(PlanStep.objects.exclude(status=PlanStep.Status.SKIPPED)),
    }


def cases_with_overdue_steps(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with an open plan step past its due date, closed cases never
    (cases.selectors.case_work_rests):
    the case list's filter, which the dashboard links to."""
    overdue = PlanStep.objects.filter(
        plan__case_id=OuterRef("pk"),
        status=PlanStep.Status.OPEN,
        due_date__lt=timezone.localdate(),
    )
    # Not resting, though the cases' own condition leaves closed cases out already: the
    # partial indexes of open steps (reports_planstep_open_plan, reports_planstep_open_due)
    # hold only steps that do not rest, and serve only a query that says so.
    return cases.filter(Exists(work_on_open_cases(overdue))).exclude(case_rests_q())


def plans_follow_move_date(newcomer: Newcomer, move_date: date, actor: User | None) -> None:
    """Plans count from the move date: the open steps of every plan of the newcomer move
    with it."""
    for plan in OnboardingPlan.objects.filter(case__newcomer=newcomer).select_related("case"):
        services.plan_reschedule(plan=plan, move_date=move_date, actor=actor)
