"""Which rows a dashboard figure reads: the visible cases under the dashboard's filters, and
the two periods' window over them. Every figure module narrows its rows through these."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.models import Case
from cases.selectors import case_list_visible
from reports.forms import DashboardFilters
from reports.periods import Period, PeriodPair
from reports.selectors.types import User


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


def of_cases(rows: QuerySet[Any], field: str, cases: QuerySet[Case]) -> QuerySet[Any]:
    """`rows` narrowed to those of `cases` through `field` (a path to a case id).

    When `cases` has no condition at all (a coordinator without filters: every case) the
    narrowing is skipped: every row already belongs to a case, and PostgreSQL cannot tell,
    so `IN (SELECT id FROM cases_case)` hashed all 100,000 cases for nothing, a third of the
    dashboard's database time (docs/benchmarks.md). Members and filters keep the subquery."""
    if is_every_case(cases):
        return rows
    return rows.filter(**{f"{field}__in": cases.values("pk")})


def is_every_case(cases: QuerySet[Case]) -> bool:
    """`cases` has no condition at all: what `of_cases` leaves whole."""
    return not cases.query.has_filters()


def created_in(period: Period) -> Q:
    return Q(created_at__gte=period.start, created_at__lt=period.end)


def period_window(cases: QuerySet[Case], periods: PeriodPair) -> QuerySet[Case]:
    """The cases created in either period: the rows each comparison query reads."""
    return cases.filter(created_in(periods.current) | created_in(periods.previous))
