"""The figures the dashboard, its CSV exports and the monthly PDF show, as plain frozen
dataclasses: what the selectors return and what the cache stores."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import models as auth
from django.contrib.auth.models import AnonymousUser

from contacts.models import Newcomer
from jobs.figures import JobFigures
from outcomes.figures import OutcomeFigures
from reports.forms import DashboardFilters
from reports.periods import PeriodPair

# Whoever makes the request: a signed-in user, or nobody (who sees nothing).
User = auth.User | AnonymousUser


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
    # The Outcomes section (outcomes.figures); None only while _figures builds the rest.
    outcomes: OutcomeFigures | None = None
    # The Jobs section (jobs.figures): region-wide, so for coordinators only; else None.
    jobs: JobFigures | None = None

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
