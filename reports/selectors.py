"""Aggregate reads for the dashboard, its CSV exports and the monthly report.

Every figure starts from `case_list_visible`, the one visibility rule: coordinators get the
whole region, members the same figures over the cases they may see. Each figure is one
aggregate query (GROUP BY and conditional COUNTs in the database), so a dashboard costs a
fixed number of queries whatever the data size. Python only adds zero rows and labels
from the reference lists (statuses, stages, target groups, channels, topics); it never
loops over cases.

The current and previous periods are counted in the same query: the rows of both periods
are read once and each COUNT carries a FILTER for its period.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connections, transaction
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Lower, Trim, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, FollowUp, Topic
from cases.selectors import case_list_visible
from contacts.models import Newcomer
from onboarding.models import OnboardingPlan, PlanStep
from reports.forms import DashboardFilters
from reports.periods import Period, PeriodPair

User = AbstractBaseUser | AnonymousUser
TOP_OCCUPATIONS = 15
# The time from an enquiry to the team's first answer (set by the first triage step).
RESPONSE_TIME = F("first_response_at") - F("created_at")


@dataclass(frozen=True)
class Tally:
    """One row of a breakdown: a count now (or in this period) and in the previous one."""

    key: str
    label: str
    current: int
    previous: int | None = None  # None: a current state, with nothing to compare


@dataclass(frozen=True)
class ResponseTimes:
    median: timedelta | None
    p90: timedelta | None
    answered: int  # enquiries in the period that have had a first response
    waiting: int  # enquiries in the period still without one


@dataclass(frozen=True)
class Overdue:
    followups: int
    cases: int


@dataclass(frozen=True)
class Onboarding:
    """Onboarding progress in both periods, and the plan steps overdue now."""

    plans_started: Tally
    steps_done: Tally
    steps_due: int  # steps (not skipped) due in the period
    steps_due_previous: int
    on_time: int  # of those, done by the end of their due date (local time)
    on_time_previous: int
    overdue_steps: int  # open steps past their due date, now
    overdue_cases: int

    @property
    def on_time_share(self) -> float | None:
        """Percent of the period's due steps done on time; None when none were due."""
        return _percent(self.on_time, self.steps_due)

    @property
    def on_time_share_previous(self) -> float | None:
        return _percent(self.on_time_previous, self.steps_due_previous)


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


@dataclass(frozen=True)
class Workload:
    key: str
    label: str
    open: int
    new: int  # status "new": nobody has handled them yet
    unowned: int


@dataclass(frozen=True)
class SeriesPoint:
    day: date  # the first day of the bucket (a Monday for weeks, the 1st for months)
    count: int


@dataclass(frozen=True)
class Series:
    step: str  # "day", "week" or "month"
    points: list[SeriesPoint]


@dataclass(frozen=True)
class Dashboard:
    periods: PeriodPair
    filters: DashboardFilters
    enquiries: Tally
    response: ResponseTimes
    response_previous: ResponseTimes
    statuses: list[Tally]
    overdue: Overdue
    onboarding: Onboarding
    series: Series
    lifecycle: list[Tally]
    target_groups: list[Tally]
    channels: list[Tally]
    topics: list[Tally]
    occupations: list[Tally]
    partner_occupations: list[Tally]
    organisations: list[Workload]
    owners: list[Workload]

    @property
    def open_cases(self) -> int:
        return sum(row.current for row in self.statuses)

    @property
    def funnel(self) -> list[Tally]:
        """How many of the period's newcomers got at least as far as each stage. Those who
        left are counted on their own: nobody recorded how far they had got."""
        forward = [row for row in self.lifecycle if row.key != Newcomer.Lifecycle.LEFT]
        reached = []
        for index, row in enumerate(forward):
            later = forward[index:]
            reached.append(
                Tally(
                    key=row.key,
                    label=row.label,
                    current=sum(r.current for r in later),
                    previous=sum(r.previous or 0 for r in later),
                )
            )
        return reached + [row for row in self.lifecycle if row.key == Newcomer.Lifecycle.LEFT]


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


def dashboard_cases(*, user: User, filters: DashboardFilters) -> QuerySet[Case]:
    """The visible cases narrowed by the dashboard's filters. The organisation filter means
    what it means on the case list: responsible for the case or shared with it."""
    cases = case_list_visible(user=user).order_by()
    if filters.municipality_id:
        cases = cases.filter(newcomer__municipality_id=filters.municipality_id)
    if filters.organisation_id:
        shared = Case.shared_with.through.objects.filter(
            case_id=OuterRef("pk"), organisation_id=filters.organisation_id
        )
        cases = cases.filter(
            Q(responsible_organisation_id=filters.organisation_id) | Exists(shared)
        )
    if filters.target_group:
        cases = cases.filter(newcomer__target_group=filters.target_group)
    return cases


def _of_cases(rows: QuerySet[Any], field: str, cases: QuerySet[Case]) -> QuerySet[Any]:
    """`rows` narrowed to those of `cases` through `field` (a path to a case id).

    When `cases` has no condition at all (a coordinator without filters: every case) the
    narrowing is skipped: every row already belongs to a case, and PostgreSQL cannot tell,
    so `IN (SELECT id FROM cases_case)` hashed all 100,000 cases for nothing, a third of the
    dashboard's database time (docs/benchmarks.md). Members and filters keep the subquery."""
    if not cases.query.has_filters():
        return rows
    return rows.filter(**{f"{field}__in": cases.values("pk")})


def _created_in(period: Period) -> Q:
    return Q(created_at__gte=period.start, created_at__lt=period.end)


def _window(cases: QuerySet[Case], periods: PeriodPair) -> QuerySet[Case]:
    """The cases created in either period: the rows each comparison query reads."""
    return cases.filter(_created_in(periods.current) | _created_in(periods.previous))


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
    current, previous = _created_in(periods.current), _created_in(periods.previous)
    answered = Q(first_response_at__isnull=False)
    aggregates: dict[str, Any] = {
        "new": Count("pk", filter=current),
        "new_previous": Count("pk", filter=previous),
        "answered": Count("pk", filter=current & answered),
        "answered_previous": Count("pk", filter=previous & answered),
    }
    buckets = _series_buckets(periods.current)
    for index, (_day, days) in enumerate(buckets):
        aggregates[f"bucket_{index}"] = Count("pk", filter=_created_in(days))
    on_postgres = connections[cases.db].vendor == "postgresql"
    if on_postgres:
        for name, period in (("", current), ("_previous", previous)):
            for label, fraction in (("median", 0.5), ("p90", 0.9)):
                aggregates[f"{label}{name}"] = PercentileCont(
                    RESPONSE_TIME, fraction=fraction, filter=period & answered
                )
    row = _window(cases, periods).aggregate(**aggregates)

    def times(suffix: str, period: Period) -> ResponseTimes:
        n = row[f"answered{suffix}"]
        if on_postgres:
            median, p90 = row[f"median{suffix}"], row[f"p90{suffix}"]
        else:
            answered_cases = cases.filter(_created_in(period) & answered)
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
    around = list(
        cases.annotate(response=RESPONSE_TIME)
        .order_by("response", "pk")
        .values_list("response", flat=True)[low : low + 2]
    )
    if not around:  # rows gone since they were counted
        return None
    if len(around) == 1 or position == low:
        return around[0]
    return around[0] + (around[1] - around[0]) * (position - low)


def followup_overdue_counts(*, cases: QuerySet[Case], today: date) -> Overdue:
    followups = FollowUp.objects.filter(done_at__isnull=True, due_date__lt=today)
    # COUNT(*), not COUNT(id): cases_followup_overdue (cases/migrations/0008) then answers
    # from the index alone.
    row = _of_cases(followups, "case", cases).aggregate(
        followups=Count("*"), cases=Count("case_id", distinct=True)
    )
    return Overdue(followups=row["followups"], cases=row["cases"])


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
    plans = _of_cases(OnboardingPlan.objects.all(), "case", cases).aggregate(
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
    steps = _of_cases(PlanStep.objects.all(), "plan__case", cases)
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


@dataclass(frozen=True)
class NewcomerBreakdown:
    lifecycle: list[Tally]
    target_groups: list[Tally]
    channels: list[Tally]


NEWCOMER_FIELDS = {
    "lifecycle": Newcomer.Lifecycle.choices,
    "target_group": Newcomer.TargetGroup.choices,
    "heard_via": Newcomer.HeardVia.choices,
}


def newcomer_breakdown(*, cases: QuerySet[Case], periods: PeriodPair) -> NewcomerBreakdown:
    """Newcomers with an enquiry in each period, by stage, target group and channel; a
    newcomer with two enquiries counts once.

    One query groups by all three fields together. Each newcomer has exactly one value of
    each, so falls in exactly one group: adding up the groups' distinct counts per value is
    exact. The groups are at most 5 by 8 by 10, whatever the number of newcomers."""
    groups = list(
        _window(cases, periods)
        .values(**{field: F(f"newcomer__{field}") for field in NEWCOMER_FIELDS})
        .annotate(
            current=Count("newcomer_id", distinct=True, filter=_created_in(periods.current)),
            previous=Count("newcomer_id", distinct=True, filter=_created_in(periods.previous)),
        )
        .order_by()
    )
    return _breakdown_tallies(groups)


def _breakdown_tallies(groups: list[dict[str, Any]]) -> NewcomerBreakdown:
    """The three tables from groups by all three fields, each with `current` and
    `previous` counts of newcomers."""
    tallies = {}
    for field, choices in NEWCOMER_FIELDS.items():
        sums: dict[str, list[int]] = {}
        for group in groups:
            both = sums.setdefault(group[field], [0, 0])
            both[0] += group["current"]
            both[1] += group["previous"]
        rows = [
            Tally(
                key=value,
                label=str(label),
                current=sums.get(value, [0, 0])[0],
                previous=sums.get(value, [0, 0])[1],
            )
            for value, label in choices
        ]
        if "" in sums:  # blank: only the channel may be
            rows.append(
                Tally(key="", label=_("Not recorded"), current=sums[""][0], previous=sums[""][1])
            )
        tallies[field] = rows
    return NewcomerBreakdown(
        lifecycle=tallies["lifecycle"],
        target_groups=tallies["target_group"],
        channels=tallies["heard_via"],
    )


@dataclass(frozen=True)
class NewcomerFigures:
    breakdown: NewcomerBreakdown
    occupations: list[Tally]
    partner_occupations: list[Tally]


def newcomer_figures(*, cases: QuerySet[Case], periods: PeriodPair) -> NewcomerFigures:
    """The stage, target group and channel tables and the two occupation tables.

    On PostgreSQL one query (`_newcomer_grouping_sets`) gives all five; elsewhere
    `newcomer_breakdown` and `occupation_counts` give the same figures in three."""
    if connections[cases.db].vendor != "postgresql":
        return NewcomerFigures(
            breakdown=newcomer_breakdown(cases=cases, periods=periods),
            occupations=occupation_counts(cases=cases, periods=periods),
            partner_occupations=occupation_counts(cases=cases, periods=periods, partner=True),
        )
    rows = _newcomer_grouping_sets(cases=cases, periods=periods)
    by_set: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_set.setdefault(row["grouping_set"], []).append(row)

    def top(grouping_set: int, prefix: str) -> list[Tally]:
        ranked = sorted(by_set.get(grouping_set, []), key=lambda row: row["rank"])
        return [
            Tally(
                key=row[f"{prefix}_key"],
                label=row[f"{prefix}_label"],
                current=row["current"],
                previous=row["previous"],
            )
            for row in ranked
            if row[f"{prefix}_key"]  # the blank group, as in occupation_counts
        ][:TOP_OCCUPATIONS]

    return NewcomerFigures(
        breakdown=_breakdown_tallies(by_set.get(STAGE_SET, [])),
        occupations=top(OCCUPATION_SET, "occupation"),
        partner_occupations=top(PARTNER_SET, "partner"),
    )


# GROUPING(lifecycle, occupation key, partner key) in _newcomer_grouping_sets: a bit is
# set for each of the three left out of the row's grouping set.
STAGE_SET, OCCUPATION_SET, PARTNER_SET = 0b011, 0b101, 0b110


def _newcomer_grouping_sets(*, cases: QuerySet[Case], periods: PeriodPair) -> list[dict[str, Any]]:
    """The five newcomer tables in one PostgreSQL query.

    1. Per newcomer with an enquiry in either period (the visible, filtered cases, compiled
       by the ORM): how many of their enquiries fall in each period. A newcomer with two
       enquiries is one row, so the tables below count rows and need no COUNT(DISTINCT):
       that sorted every group's newcomer ids, and each of the three queries it replaces
       joined the period's cases to the newcomers on its own (110 + 95 + 45 ms for the
       year view at 100,000 cases, against about 125 ms for this one; docs/benchmarks.md).
    2. Joined to the newcomers once, grouped three ways with GROUPING SETS: by stage, group
       and channel (at most 5 x 8 x 11 rows); by occupation; by partner's occupation and
       whether the partner needs work.
    3. The occupation groups are ranked as occupation_counts orders them (most newcomers
       this period first, then the key), and only the first TOP_OCCUPATIONS + 1 of each
       with someone this period are returned: one more, for the blank group dropped by the
       caller. Partners who do not need work are not returned.
    The labels are MIN(TRIM()) over the same newcomers as occupation_counts reads."""
    newcomers = (
        _window(cases, periods)
        .values("newcomer_id")
        .annotate(
            in_current=Count("pk", filter=_created_in(periods.current)),
            in_previous=Count("pk", filter=_created_in(periods.previous)),
        )
        .order_by()
    )
    inner, params = newcomers.query.sql_with_params()
    connection = connections[cases.db]
    table = connection.ops.quote_name(Newcomer._meta.db_table)

    def column(name: str) -> str:
        return "n." + connection.ops.quote_name(Newcomer._meta.get_field(name).column)

    stage, group, channel = column("lifecycle"), column("target_group"), column("heard_via")
    job, partner_job = column("occupation"), column("partner_occupation")
    needs_work = column("partner_needs_work")
    # The partner's occupation only where the partner needs work: the others make one
    # group (false, NULL) that is not returned, and LOWER(), TRIM() and MIN() are spared
    # for them (70% of the newcomers in the bench data: 25 of 150 ms).
    job_key = f"LOWER(TRIM({job}))"
    partner_key = f"(CASE WHEN {needs_work} THEN LOWER(TRIM({partner_job})) END)"
    grouping = f"GROUPING({stage}, {job_key}, {partner_key})"
    current = "COUNT(*) FILTER (WHERE w.in_current > 0)"
    # Only quoted column names and the ORM's own SQL are interpolated; values are parameters
    # (hence the nosec for bandit's B608 on the closing line).
    sql = f"""
        SELECT * FROM (
            SELECT
                {grouping} AS grouping_set,
                {stage} AS lifecycle, {group} AS target_group, {channel} AS heard_via,
                {job_key} AS occupation_key, MIN(TRIM({job})) AS occupation_label,
                {needs_work} AS partner_needs_work,
                {partner_key} AS partner_key,
                MIN(TRIM({partner_job})) FILTER (WHERE {needs_work}) AS partner_label,
                {current} AS current,
                COUNT(*) FILTER (WHERE w.in_previous > 0) AS previous,
                ROW_NUMBER() OVER (
                    PARTITION BY {grouping}, {needs_work}
                    ORDER BY {current} DESC, COALESCE({job_key}, {partner_key})
                ) AS rank
            FROM ({inner}) w JOIN {table} n ON {column("id")} = w.newcomer_id
            GROUP BY GROUPING SETS (
                ({stage}, {group}, {channel}), ({job_key}), ({needs_work}, {partner_key})
            )
        ) grouped
        WHERE grouping_set = %s
            OR (rank <= %s AND current > 0 AND partner_needs_work IS NOT FALSE)
    """  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, STAGE_SET, TOP_OCCUPATIONS + 1))
        names = [col.name for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def topic_counts(*, cases: QuerySet[Case], periods: PeriodPair) -> list[Tally]:
    """Enquiries per topic asked about, most asked first; topics nobody asked about are
    listed with zero, because that is worth knowing too."""
    counts = {
        row["topic"]: row
        # An inner join (topics__isnull=False): the cases without a topic made a group of
        # their own that nobody reads, and the outer join cost 25% more at 100,000 cases.
        for row in _window(cases, periods)
        .filter(topics__isnull=False)
        .values(topic=F("topics"))
        .annotate(
            current=Count("pk", filter=_created_in(periods.current)),
            previous=Count("pk", filter=_created_in(periods.previous)),
        )
    }
    tallies = [
        Tally(
            key=topic.slug,
            label=topic.name,
            current=counts.get(topic.pk, {}).get("current", 0),
            previous=counts.get(topic.pk, {}).get("previous", 0),
        )
        for topic in Topic.objects.all()
    ]
    return sorted(tallies, key=lambda row: -row.current)  # stable: ties keep topic order


def occupation_counts(
    *, cases: QuerySet[Case], periods: PeriodPair, partner: bool = False
) -> list[Tally]:
    """The most common occupations or competences among the period's newcomers (or among
    partners who need work), grouped without regard to case or surrounding spaces, most
    common first. The label is one of the spellings used.

    Grouping uses the database's LOWER(): PostgreSQL folds every letter, SQLite only A-Z,
    so on SQLite "Økonom" and "økonom" stay apart."""
    field = "newcomer__partner_occupation" if partner else "newcomer__occupation"
    window = _window(cases, periods)
    if partner:
        window = window.filter(newcomer__partner_needs_work=True)
    # Blank occupations form one group, dropped here rather than excluded in the WHERE
    # clause: there PostgreSQL computed LOWER(TRIM()) for every newcomer in the region
    # before joining the period's few thousand (31 of its 44 ms at 100,000 cases). One
    # row more is read so that fifteen remain once the blank group is gone.
    rows = (
        window.annotate(key=Lower(Trim(field)))
        .values("key")
        .annotate(
            label=Min(Trim(field)),
            current=Count("newcomer_id", distinct=True, filter=_created_in(periods.current)),
            previous=Count("newcomer_id", distinct=True, filter=_created_in(periods.previous)),
        )
        .filter(current__gt=0)
        .order_by("-current", "key")[: TOP_OCCUPATIONS + 1]
    )
    return [
        Tally(key=row["key"], label=row["label"], current=row["current"], previous=row["previous"])
        for row in rows
        if row["key"]
    ][:TOP_OCCUPATIONS]


@dataclass(frozen=True)
class OpenCases:
    statuses: list[Tally]
    organisations: list[Workload]
    owners: list[Workload]


def open_case_figures(*, cases: QuerySet[Case]) -> OpenCases:
    """Cases not closed, as they stand now: by status, per responsible organisation and per
    owner. One query groups them by all three at once; Python then adds up those groups,
    whose number is bounded by the team's size (statuses by organisations by owners), never
    by the number of cases."""
    groups = list(
        cases.exclude(status=Case.Status.CLOSED)
        .values(
            "status",
            "responsible_organisation_id",
            "responsible_organisation__name",
            "owner_id",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_status: dict[str, int] = {}
    for group in groups:
        by_status[group["status"]] = by_status.get(group["status"], 0) + group["n"]
    statuses = [
        Tally(key=status.value, label=str(status.label), current=by_status.get(status.value, 0))
        for status in Case.Status
        if status != Case.Status.CLOSED
    ]
    organisations = _workload(
        groups,
        "responsible_organisation_id",
        lambda g: g["responsible_organisation__name"] or _("No organisation yet"),
    )
    owners = _workload(
        groups,
        "owner_id",
        lambda g: (
            f"{g['owner__first_name']} {g['owner__last_name']}".strip() or g["owner__username"]
            if g["owner_id"]
            else _("Nobody")
        ),
    )
    return OpenCases(statuses=statuses, organisations=organisations, owners=owners)


def _workload(
    groups: list[dict[str, Any]], key: str, label: Callable[[dict[str, Any]], str]
) -> list[Workload]:
    """The groups added up per `key`: most open cases first, then by name, the row without
    one ("nobody") last among equals."""
    totals: dict[Any, dict[str, Any]] = {}
    for group in groups:
        row = totals.setdefault(
            group[key], {"label": label(group), "open": 0, "new": 0, "unowned": 0}
        )
        row["open"] += group["n"]
        row["new"] += group["n"] if group["status"] == Case.Status.NEW else 0
        row["unowned"] += group["n"] if group["owner_id"] is None else 0
    ordered = sorted(
        totals.items(), key=lambda item: (-item[1]["open"], item[0] is None, item[1]["label"])
    )
    return [Workload(key=str(pk or ""), **row) for pk, row in ordered]


def dashboard_figures(
    *, user: User, periods: PeriodPair, filters: DashboardFilters, today: date
) -> Dashboard:
    """Every figure on the dashboard in nine queries whatever the data size on PostgreSQL
    (which adds SET LOCAL, BEGIN and COMMIT); fifteen on SQLite, for the percentiles and
    the newcomer tables (`newcomer_figures`). One transaction, so on PostgreSQL every
    figure comes from the same snapshot."""
    cases = dashboard_cases(user=user, filters=filters)
    with transaction.atomic(using=cases.db):
        _without_jit(cases.db)
        return _figures(cases=cases, periods=periods, filters=filters, today=today)


def _without_jit(using: str) -> None:
    """Planner settings for this transaction only (is_local: they end with it).

    - jit off: PostgreSQL's JIT compiler starts when a plan's estimated cost is high, and
      the members' visibility test (OR of EXISTS) makes the estimates high although the
      queries read a few thousand rows: compiling then took 200 ms of a 250 ms query at
      100,000 cases. These short aggregates gain nothing from JIT.
    - random_page_cost 1.1 (default 4, which assumes spinning disks): with the default the
      planner joined the period's 3,000 cases to the newcomers by hashing all 100,000
      newcomers, rather than looking up 3,000 by primary key; the three newcomer tables
      took 30, 24 and 17 ms at 100,000 cases, and 17, 14 and 12 ms with 1.1, the usual
      value when the data are on SSD or in memory (docs/benchmarks.md, Notes)."""
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true)"
            )


def _figures(
    *, cases: QuerySet[Case], periods: PeriodPair, filters: DashboardFilters, today: date
) -> Dashboard:
    enquiries, response, response_previous, series = enquiry_figures(cases=cases, periods=periods)
    newcomers = newcomer_figures(cases=cases, periods=periods)
    open_cases = open_case_figures(cases=cases)
    return Dashboard(
        periods=periods,
        filters=filters,
        enquiries=enquiries,
        response=response,
        response_previous=response_previous,
        statuses=open_cases.statuses,
        overdue=followup_overdue_counts(cases=cases, today=today),
        onboarding=onboarding_figures(cases=cases, periods=periods, today=today),
        series=series,
        lifecycle=newcomers.breakdown.lifecycle,
        target_groups=newcomers.breakdown.target_groups,
        channels=newcomers.breakdown.channels,
        topics=topic_counts(cases=cases, periods=periods),
        occupations=newcomers.occupations,
        partner_occupations=newcomers.partner_occupations,
        organisations=open_cases.organisations,
        owners=open_cases.owners,
    )


def monthly_report_recipients() -> QuerySet[Any]:
    """Active coordinators and administrators of an active organisation, with an e-mail
    address: those who get the monthly report."""
    from django.contrib.auth import get_user_model

    from contacts.models import Membership

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMIN],
            memberships__organisation__is_active=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
