"""Reads for onboarding: a case's plan, the offers that suit a household, progress."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Case
from cases.selectors import case_can_manage, visible_through, work_on_open_cases
from contacts.models import HouseholdMember, Newcomer
from contacts.selectors import staff_access
from onboarding.models import (
    LocalOffer,
    OfferDate,
    OnboardingPlan,
    PlanStep,
    TemplateStep,
    WelcomePack,
)


@dataclass(frozen=True)
class Household:
    """What the template conditions look at, taken once from the database."""

    newcomer: Newcomer
    partner: HouseholdMember | None
    children: list[HouseholdMember]


def household_of(newcomer: Newcomer) -> Household:
    members = list(newcomer.household.all())
    partner = next((m for m in members if m.relation == HouseholdMember.Relation.PARTNER), None)
    children = [m for m in members if m.relation == HouseholdMember.Relation.CHILD and m.birth_year]
    return Household(newcomer=newcomer, partner=partner, children=children)


def plan_for_case(*, case: Case) -> OnboardingPlan | None:
    return OnboardingPlan.objects.filter(case=case).select_related("template").first()


def welcome_packs_pending(*, case: Case) -> QuerySet[WelcomePack]:
    return case.welcome_packs.filter(status=WelcomePack.Status.PENDING).order_by("created_at")


def steps_for_newcomer(steps: QuerySet[PlanStep]) -> QuerySet[PlanStep]:
    """The steps a newcomer reads (their page, the welcome pack): not the open ones resting
    on a closed case (cases.selectors.case_work_rests), which nobody is doing."""
    return steps.exclude(status=PlanStep.Status.OPEN, rests=True)


def plan_steps(*, plan: OnboardingPlan) -> QuerySet[PlanStep]:
    return plan.steps.select_related(
        "organisation", "assignee", "depends_on", "member", "template_step"
    ).order_by("due_date", "position", "pk")


def offers_for_newcomer(
    *, newcomer: Newcomer, household: Household | None = None
) -> list[LocalOffer]:
    """Offers in the newcomer's municipality and locality (or region-wide) that suit them:
    an age range needs a child in it, interest words need one of theirs, an offer for job
    seeking partners needs a partner who seeks work; an offer with none of these suits all.
    Each offer comes with `upcoming_dates`, its dates from today on, soonest first. A
    caller that has read the household already passes it (one query less)."""
    household = household or household_of(newcomer)
    today = timezone.localdate()
    ages = [
        today.year - child.birth_year
        for child in household.children
        if child.birth_year is not None  # always set: household_of keeps children with one
    ]
    interests = newcomer.interests.lower()
    offers = (
        LocalOffer.objects.filter(is_active=True)
        .exclude(ends_on__lt=today)
        .filter(Q(municipality__isnull=True) | Q(municipality_id=newcomer.municipality_id))
    )
    offers = offers.filter(
        Q(locality__isnull=True) | Q(locality_id=newcomer.locality_id)
    ).prefetch_related(
        Prefetch(
            "dates",
            queryset=OfferDate.objects.filter(date__gte=today).order_by("date", "time", "pk"),
            to_attr="upcoming_dates",
        )
    )
    chosen: list[LocalOffer] = []
    for offer in offers:
        if offer.age_min is not None or offer.age_max is not None:
            low = offer.age_min if offer.age_min is not None else 0
            high = offer.age_max if offer.age_max is not None else 200
            if not any(low <= age <= high for age in ages):
                continue
        if offer.interest_words and not any(word in interests for word in offer.interest_words):
            continue
        if offer.partner_job_seekers and not newcomer.partner_needs_work:
            continue
        chosen.append(offer)
    return chosen


def step_can_complete(*, user: User | AnonymousUser, step: PlanStep) -> bool:
    """Whoever manages the case, the step's assignee, or a member of its organisation (who
    already sees the case through cases.selectors)."""
    return (
        case_can_manage(user=user, case=step.plan.case)
        or step.assignee_id == user.pk
        or step.organisation_id in staff_access(user).organisation_ids
    )


def plan_for_case_queryset() -> QuerySet[OnboardingPlan]:
    return OnboardingPlan.objects.select_related("case")


def my_plan_steps_open(*, user: User | AnonymousUser) -> QuerySet[PlanStep]:
    """Open plan steps on open cases the user can see, soonest first: those assigned to them,
    and the team's steps waiting in the queue of one of their organisations (nobody
    assigned yet)."""
    queue = Q(
        assignee__isnull=True,
        doer=TemplateStep.Doer.TEAM,
        organisation_id__in=staff_access(user).organisation_ids,
    )
    steps = PlanStep.objects.filter(Q(assignee_id=user.pk) | queue, status=PlanStep.Status.OPEN)
    return (
        visible_through(work_on_open_cases(steps), user=user, field="plan__case")
        .select_related("plan__case__newcomer")
        .order_by("due_date", "pk")
    )


def my_plan_steps_for_screen(*, user: User | AnonymousUser) -> QuerySet[PlanStep]:
    """`my_plan_steps_open` with only the columns "My work" shows."""
    return my_plan_steps_open(user=user).only(
        "titles",
        "due_date",
        "assignee_id",
        "organisation_id",
        "plan__case__reference",
        "plan__case__newcomer__name",
    )
