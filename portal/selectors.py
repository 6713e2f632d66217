"""Reads for the newcomer's own page. Every read starts from the newcomer a link resolved to,
so another newcomer's data cannot be reached by changing an id."""

from dataclasses import dataclass, field

from django.db.models import Case as Conditional
from django.db.models import Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404

from cases.models import Case
from contacts.models import Consent, HouseholdMember, Newcomer, Organisation
from contacts.selectors import staff_display_name
from onboarding.models import OnboardingPlan, PlanStep, TemplateStep


@dataclass
class PortalOverview:
    newcomer: Newcomer
    case: Case | None
    household: list[HouseholdMember]
    my_steps: list[PlanStep] = field(default_factory=list)  # theirs, still to do
    team_steps: list[PlanStep] = field(default_factory=list)  # the team's, still to do
    done_steps: list[PlanStep] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    organisation: Organisation | None = None
    owner_name: str = ""
    move_date: object = None


def portal_case(*, newcomer: Newcomer) -> Case | None:
    """The case the page is about: the newest with an onboarding plan, else the newest still
    open, else the newest. Messages from the page go to it."""
    has_plan = Exists(OnboardingPlan.objects.filter(case_id=OuterRef("pk")))
    return (
        Case.objects.filter(newcomer=newcomer)
        .select_related("owner", "responsible_organisation")
        .annotate(
            has_plan=has_plan,
            is_open=Conditional(
                When(~Q(status=Case.Status.CLOSED), then=Value(1)), default=Value(0)
            ),
        )
        .order_by("-has_plan", "-is_open", "-created_at", "-pk")
        .first()
    )


def portal_steps(*, newcomer: Newcomer) -> QuerySet[PlanStep]:
    """The steps of every plan on the newcomer's cases, skipped ones left out (a skip reason
    is the team's own business)."""
    return (
        PlanStep.objects.filter(plan__case__newcomer=newcomer)
        .exclude(status=PlanStep.Status.SKIPPED)
        .select_related("organisation", "depends_on", "member", "template_step")
        .order_by("due_date", "position", "pk")
    )


def portal_overview(*, newcomer: Newcomer) -> PortalOverview:
    case = portal_case(newcomer=newcomer)
    overview = PortalOverview(
        newcomer=newcomer, case=case, household=list(newcomer.household.all())
    )
    for step in portal_steps(newcomer=newcomer):
        if step.status == PlanStep.Status.DONE:
            overview.done_steps.append(step)
        elif step.doer == TemplateStep.Doer.NEWCOMER:
            overview.my_steps.append(step)
        else:
            overview.team_steps.append(step)
    overview.consents = list(newcomer.consents.filter(withdrawn_at=None).order_by("scope"))
    if case is not None:
        overview.organisation = case.responsible_organisation
        if case.owner is not None:
            overview.owner_name = staff_display_name(case.owner)
        plan = OnboardingPlan.objects.filter(case=case).first()
        overview.move_date = plan.move_date if plan else None
    return overview


def portal_step_for_newcomer(*, newcomer: Newcomer, pk: int) -> PlanStep:
    """One of the newcomer's own steps (doer: the newcomer) on one of their plans; any other
    step, another newcomer's included, is a 404."""
    try:
        return PlanStep.objects.select_related("plan__case", "depends_on").get(
            pk=pk, plan__case__newcomer=newcomer, doer=TemplateStep.Doer.NEWCOMER
        )
    except (PlanStep.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
