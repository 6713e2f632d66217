"""Enquiries: how many came in, how fast the team first answered them, how they spread over
the period (the series) and which topics they asked about."""

import math
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import connections
from django.db.models import Aggregate, Count, DurationField, F, Q, QuerySet
from django.utils.translation import gettext as _

from cases.models import Case, Topic
from reports.periods import Period, PeriodPair
from reports.selectors.scope import created_in, period_window
from reports.selectors.types import ResponseTimes, Series, SeriesPoint, Tally

# The time from an enquiry to the team's first answer (set by the first triage step).
RESPONSE_TIME = F("first_response_at") - F("created_at")


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate percentile_cont(f) WITHIN GROUP (ORDER BY x);
    it works on intervals, so durations stay durations. A FILTER clause is appended by
    Aggregate when `filter=` is given."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, *, fraction: float, **extra: Any) -> None:
        super().__init__(
            expression, fraction=repr(float(fraction)), output_field=DurationField(), **extra
        )


def enquiry_figures(
    *, cases: QuerySet[Case], periods: PeriodPair
) -> tuple[Tally, ResponseTimes, ResponseTimes, Series]:
    """New enquiries and the time to a first response, in both periods, and the current
    period's enquiries per local day, week (from Monday) or month, with empty buckets.

    The series is one COUNT per bucket (at most 31 days, 27 weeks or 61 months) in the same
    query: a query of its own read the period's cases again, and for a member tested the
    visibility rule on every case again (35 ms of the year view at 100,000 cases).

    PostgreSQL computes the median and 90th percentile in the same query with
    percentile_cont. Elsewhere (SQLite) each percentile is one more query that sorts the
    durations in the database and reads the one or two rows around the percentile's
    position, interpolating as percentile_cont does: at most two rows leave the database
    whatever the data size, instead of every duration.
    """
    current, previous = created_in(periods.current), created_in(periods.previous)
    answered = Q(first_response_at__isnull=False)
    aggregates: dict[str, Any] = {
        "new": Count("pk", filter=current),
        "new_previous": Count("pk", filter=previous),
        "answered": Count("pk", filter=current & answered),
        "answered_previous": Count("pk", filter=previous & answered),
    }
    buckets = _series_buckets(periods.current)
    for index, (_day, days) in enumerate(buckets):
        aggregates[f"bucket_{index}"] = Count("pk", filter=created_in(days))
    on_postgres = connections[cases.db].vendor == "postgresql"
    if on_postgres:
        for name, period in (("", current), ("_previous", previous)):
            for label, fraction in (("median", 0.5), ("p90", 0.9)):
                aggregates[f"{label}{name}"] = PercentileCont(
                    RESPONSE_TIME, fraction=fraction, filter=period & answered
                )
    row = period_window(cases, periods).aggregate(**aggregates)

    def times(suffix: str, period: Period) -> ResponseTimes:
        n = row[f"answered{suffix}"]
        if on_postgres:
            median, p90 = row[f"median{suffix}"], row[f"p90{suffix}"]
        else:
            answered_cases = cases.filter(created_in(period) & answered)
            median = _percentile(answered_cases, n, 0.5)
            p90 = _percentile(answered_cases, n, 0.9)
        return ResponseTimes(median=median, p90=p90, answered=n, waiting=row[f"new{suffix}"] - n)

    enquiries = Tally(
        key="enquiries", label=_("New enquiries"), current=row["new"], previous=row["new_previous"]
    )
    series = Series(
        step=series_step(periods.current),
        points=[
            SeriesPoint(day=day, count=row[f"bucket_{index}"])
            for index, (day, _days) in enumerate(buckets)
        ],
    )
    return enquiries, times("", periods.current), times("_previous", periods.previous), series


def _percentile(cases: QuerySet[Case], n: int, fraction: float) -> timedelta | None:
    """percentile_cont over the cases' response times, reading at most two rows."""
    if n == 0:
        return None
    position = fraction * (n - 1)
    low = math.floor(position)
    around: list[timedelta] = list(
        cases.annotate(response=RESPONSE_TIME)
        .order_by("response", "pk")
        .values_list("response", flat=True)[low : low + 2]
    )
    if not around:  # rows gone since they were counted
        return None
    if len(around) == 1 or position == low:
        return around[0]
    return around[0] + (around[1] - around[0]) * (position - low)


def topic_counts(*, cases: QuerySet[Case], periods: PeriodPair) -> list[Tally]:
    """Enquiries per topic asked about, most asked first; topics nobody asked about are
    listed with zero, because that is worth knowing too."""
    counts: dict[int, tuple[int, int]] = {
        row["topic"]: (row["current"], row["previous"])
        # An inner join (topics__isnull=False): the cases without a topic made a group of
        # their own that nobody reads, and the outer join cost 25% more at 100,000 cases.
        for row in period_window(cases, periods)
        .filter(topics__isnull=False)
        .values(topic=F("topics"))
        .annotate(
            current=Count("pk", filter=created_in(periods.current)),
            previous=Count("pk", filter=created_in(periods.previous)),
        )
    }
    tallies = [
        Tally(
            key=topic.slug,
            label=topic.name,
            current=counts.get(topic.pk, (0, 0))[0],
            previous=counts.get(topic.pk, (0, 0))[1],
        )
        for topic in Topic.objects.all()
    ]
    return sorted(tallies, key=lambda row: -row.current)  # stable: ties keep topic order


def series_step(period: Period) -> str:
    if period.days <= 31:
        return "day"
    if period.days <= 190:
        return "week"
    return "month"


def _series_buckets(period: Period) -> list[tuple[date, Period]]:
    """The buckets of the period's series, each as its first day (a Monday for weeks, the
    1st for months) and the days of the period it holds: local days, so a case counts in
    the bucket of its local creation day, as TruncDate/TruncWeek/TruncMonth with the time
    zone would put it."""
    firsts = list(_buckets(period, series_step(period)))
    lasts = [day - timedelta(days=1) for day in firsts[1:]] + [period.last_day]
    return [
        (first, Period(first_day=max(first, period.first_day), last_day=last))
        for first, last in zip(firsts, lasts, strict=True)
    ]


def _buckets(period: Period, step: str) -> Iterable[date]:
    day = period.first_day
    if step == "week":
        day -= timedelta(days=day.weekday())
    elif step == "month":
        day = day.replace(day=1)
    while day <= period.last_day:
        yield day
        if step == "day":
            day += timedelta(days=1)
        elif step == "week":
            day += timedelta(days=7)
        else:
            day = (day + timedelta(days=32)).replace(day=1)
