"""Onboarding plans: plans started, steps done and done on time, and steps overdue now."""

from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors import work_on_open_cases
from onboarding.models import OnboardingPlan, PlanStep
from reports.periods import Period, PeriodPair
from reports.selectors.scope import is_every_case, of_cases, of_open_cases
from reports.selectors.types import Onboarding, Tally


def _day_in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.first_day, f"{field}__lte": period.last_day})


def _time_in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


# What a part counts: alias -> (column, condition).
Counts = dict[str, tuple[str | None, Q]]


@dataclass(frozen=True)
class _Part:
    """Rows of one period in one index range (`rows`), and what to count of them: alias ->
    (column, condition). The column is one the index holds and the range makes non-null,
    not the id: the indexes hold no id, and Django refuses COUNT(*) with a FILTER. A column
    of None counts nothing (a zero, so that every part has the same aliases)."""

    rows: Q
    counts: Counts


def _count_parts(
    rows: QuerySet[Any], parts: dict[str, _Part], *, apart: bool
) -> dict[str, dict[str, int]]:
    """{part: {alias: count}} in one query.

    - apart (no visibility or filter subquery in `rows`): one aggregate row per part,
      joined by UNION ALL. Each part reads its own index range, from the index alone on
      PostgreSQL (reports/migrations/0003); an OR of the ranges in one WHERE makes a
      bitmap scan, which visits the table for every row: at a million cases the steps of
      the two periods took 110-180 ms and 13,144 buffers that way, 11-19 ms and 149
      buffers apart.
    - together (a member, or filters): one scan of the OR of the ranges, each count with
      its part's range in its FILTER. Apart, PostgreSQL would work out the visible cases
      once per part: a member's steps took 908 ms together and 2,582 ms apart."""
    if not apart:
        row = rows.filter(reduce(or_, (part.rows for part in parts.values()))).aggregate(
            **{
                f"{name}_{alias}": Count(column, filter=part.rows & condition)
                for name, part in parts.items()
                for alias, (column, condition) in part.counts.items()
                if column is not None
            }
        )
        return {
            name: {
                alias: row[f"{name}_{alias}"] if column is not None else 0
                for alias, (column, _condition) in part.counts.items()
            }
            for name, part in parts.items()
        }
    queries = [
        rows.filter(part.rows)
        .annotate(part=Value(number, output_field=IntegerField()))
        .values("part")  # no column to group by: one row per part, zeros when empty
        .annotate(
            **{
                alias: _count(column, condition)
                for alias, (column, condition) in part.counts.items()
            }
        )
        .order_by()
        for number, part in enumerate(parts.values())
    ]
    names = list(parts)
    return {names[row.pop("part")]: row for row in queries[0].union(*queries[1:], all=True)}


def _count(column: str | None, condition: Q) -> Any:
    if column is None:
        return Value(0, output_field=IntegerField())
    return Count(column, filter=condition) if condition else Count(column)


def onboarding_figures(*, cases: QuerySet[Case], periods: PeriodPair, today: date) -> Onboarding:
    """Plans started and steps done in each period, the share of the period's due steps
    done on time, and open steps overdue now: three aggregate queries.

    - "Due in the period": due date within the period's days; skipped steps do not count
      (they were not applicable, as in the plan's progress).
    - "On time": done, and the local day of done_at (TIME_ZONE) on or before the due date.
    - A running period ends today, so steps due later are not counted yet."""
    tz = timezone.get_default_timezone()
    current, previous = periods.current, periods.previous
    # Without conditions `of_cases` leaves the rows whole (a coordinator without filters).
    apart = is_every_case(cases)
    plans = of_cases(OnboardingPlan.objects.all(), "case", cases)
    started = _count_parts(
        plans,
        {
            name: _Part(rows=_time_in("started_at", period), counts={"n": ("started_at", Q())})
            for name, period in (("current", current), ("previous", previous))
        },
        apart=apart,
    )
    done = Q(status=PlanStep.Status.DONE)
    due_counts: Counts = {
        "n": ("due_date", ~Q(status=PlanStep.Status.SKIPPED)),
        "on_time": ("due_date", done & Q(done_day__lte=F("due_date"))),
    }
    # The done parts read done_at alone; they carry on_time as a zero (same columns).
    done_counts: Counts = {"n": ("done_at", Q()), "on_time": (None, Q())}
    steps = of_cases(PlanStep.objects.all(), "plan__case", cases)
    in_periods = _count_parts(
        steps.annotate(done_day=TruncDate("done_at", tzinfo=tz)),
        {
            "done": _Part(rows=done & _time_in("done_at", current), counts=done_counts),
            "done_previous": _Part(rows=done & _time_in("done_at", previous), counts=done_counts),
            "due": _Part(rows=_day_in("due_date", current), counts=due_counts),
            "due_previous": _Part(rows=_day_in("due_date", previous), counts=due_counts),
        },
        apart=apart,
    )
    # A plan belongs to one case (one-to-one), so counting plans counts cases without
    # joining the plans. COUNT(*), not COUNT(id): the index holds no id. The overdue steps
    # not resting on closed cases come in plan order from reports_planstep_open_plan
    # (reports/migrations/0004), so the DISTINCT sorts presorted input: at a million
    # cases 26,037 steps (of 513,788 overdue, most on closed cases) in about 6 ms.
    overdue = PlanStep.objects.filter(status=PlanStep.Status.OPEN, due_date__lt=today)
    overdue_now = of_open_cases(work_on_open_cases(overdue), "plan__case", cases).aggregate(
        steps=Count("*"), cases=Count("plan_id", distinct=True)
    )
    return Onboarding(
        plans_started=Tally(
            key="plans",
            label=_("Onboarding plans started"),
            current=started["current"]["n"],
            previous=started["previous"]["n"],
        ),
        steps_done=Tally(
            key="steps",
            label=_("Plan steps done"),
            current=in_periods["done"]["n"],
            previous=in_periods["done_previous"]["n"],
        ),
        steps_due=in_periods["due"]["n"],
        steps_due_previous=in_periods["due_previous"]["n"],
        on_time=in_periods["due"]["on_time"],
        on_time_previous=in_periods["due_previous"]["on_time"],
        overdue_steps=overdue_now["steps"],
        overdue_cases=overdue_now["cases"],
    )
