"""Onboarding plans: plans started, steps done and done on time, and steps overdue now."""

from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from onboarding.models import OnboardingPlan, PlanStep
from reports.periods import Period, PeriodPair
from reports.selectors.scope import of_cases
from reports.selectors.types import Onboarding, Tally


def _day_in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.first_day, f"{field}__lte": period.last_day})


def onboarding_figures(*, cases: QuerySet[Case], periods: PeriodPair, today: date) -> Onboarding:
    """Plans started and steps done in each period, the share of the period's due steps
    done on time, and open steps overdue now: three aggregate queries.

    - "Due in the period": due date within the period's days; skipped steps do not count
      (they were not applicable, as in the plan's progress).
    - "On time": done, and the local day of done_at (TIME_ZONE) on or before the due date.
    - A running period ends today, so steps due later are not counted yet."""
    tz = timezone.get_default_timezone()
    current, previous = periods.current, periods.previous
    plans = of_cases(OnboardingPlan.objects.all(), "case", cases).aggregate(
        current=Count("pk", filter=Q(started_at__gte=current.start, started_at__lt=current.end)),
        previous=Count("pk", filter=Q(started_at__gte=previous.start, started_at__lt=previous.end)),
    )
    done = Q(status=PlanStep.Status.DONE)
    is_open = Q(status=PlanStep.Status.OPEN)
    applicable = ~Q(status=PlanStep.Status.SKIPPED)
    on_time = done & Q(done_day__lte=F("due_date"))
    overdue = is_open & Q(due_date__lt=today)

    def done_in(period: Period) -> Q:
        return done & Q(done_at__gte=period.start, done_at__lt=period.end)

    # Two queries, each served by its own index (reports/migrations/0002): the steps of the
    # two periods (by due date or done time), and the open steps overdue now, which pile up
    # over the years (51,000 of 363,000 steps in the bench data). Together they made one
    # scan of every step: 60-70 ms at 100,000 cases, against 12 + 11 ms apart.
    steps = of_cases(PlanStep.objects.all(), "plan__case", cases)
    in_periods = (
        steps.filter(
            done_in(current)
            | done_in(previous)
            | _day_in("due_date", current)
            | _day_in("due_date", previous)
        )
        .annotate(done_day=TruncDate("done_at", tzinfo=tz))
        .aggregate(
            done=Count("pk", filter=done_in(current)),
            done_previous=Count("pk", filter=done_in(previous)),
            due=Count("pk", filter=applicable & _day_in("due_date", current)),
            due_previous=Count("pk", filter=applicable & _day_in("due_date", previous)),
            on_time=Count("pk", filter=on_time & _day_in("due_date", current)),
            on_time_previous=Count("pk", filter=on_time & _day_in("due_date", previous)),
        )
    )
    # A plan belongs to one case (one-to-one), so counting plans counts cases without
    # joining the plans. COUNT(*), not COUNT(id): the index holds no id.
    overdue_now = steps.filter(overdue).aggregate(
        steps=Count("*"), cases=Count("plan_id", distinct=True)
    )
    return Onboarding(
        plans_started=Tally(
            key="plans",
            label=_("Onboarding plans started"),
            current=plans["current"],
            previous=plans["previous"],
        ),
        steps_done=Tally(
            key="steps",
            label=_("Plan steps done"),
            current=in_periods["done"],
            previous=in_periods["done_previous"],
        ),
        steps_due=in_periods["due"],
        steps_due_previous=in_periods["due_previous"],
        on_time=in_periods["on_time"],
        on_time_previous=in_periods["on_time_previous"],
        overdue_steps=overdue_now["steps"],
        overdue_cases=overdue_now["cases"],
    )
