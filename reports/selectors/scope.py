"""Which rows a dashboard figure reads: the visible cases under the dashboard's filters, and
the two periods' window over them. Every figure module narrows its rows through these."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.models import Case
from cases.selectors import case_list_visible, case_rests_q
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


# PostgreSQL's own default number of parallel workers per query. Web connections turn them
# off (config.env.POSTGRES_OPTIONS); figures over many rows get them back.
FIGURES_PARALLEL_WORKERS = 2


_PLANNER = ("jit", "random_page_cost", "max_parallel_workers_per_gather")


@contextmanager
def figures_planner(using: str) -> Iterator[None]:
    """A transaction with the figures' planner settings, which end with it.

    - jit off: PostgreSQL's JIT compiler starts when a plan's estimated cost is high, and
      the members' visibility test (OR of EXISTS) makes the estimates high although the
      queries read a few thousand rows: compiling then took 200 ms of a 250 ms query at
      100,000 cases. These short aggregates gain nothing from JIT.
    - random_page_cost 1.1 (default 4, which assumes spinning disks): with the default the
      planner joined the period's 3,000 cases to the newcomers by hashing all 100,000
      newcomers, rather than looking up 3,000 by primary key; the three newcomer tables
      took 30, 24 and 17 ms at 100,000 cases, and 17, 14 and 12 ms with 1.1, the usual
      value when the data are on SSD or in memory (docs/benchmarks.md, Notes).
    - parallel workers back (FIGURES_PARALLEL_WORKERS): a member's dashboard and the
      occupations count hundreds of thousands of rows at a million cases, which workers
      share (docs/benchmarks.md, "Parallel workers: off for the pages").

    set_config(..., true) lasts to the end of the outermost transaction: inside a caller's
    own (a savepoint here), the settings before are put back on the way out. A rolled-back
    savepoint undoes them by itself."""
    connection = connections[using]
    nested = connection.in_atomic_block
    before: Sequence[str] = ()
    with transaction.atomic(using=using):
        if connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            if nested:
                cursor.execute(
                    "SELECT " + ", ".join("current_setting(%s)" for _ in _PLANNER), _PLANNER
                )
                before = cursor.fetchone()
            _planner_set(cursor, ("off", "1.1", str(FIGURES_PARALLEL_WORKERS)))
        yield
        # After a database error the body caught, the savepoint is rolled back, and that
        # undoes the settings by itself.
        if nested and not connection.needs_rollback:
            with connection.cursor() as cursor:
                _planner_set(cursor, before)


def _planner_set(cursor: Any, values: Sequence[str]) -> None:
    cursor.execute(
        "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in _PLANNER),
        [item for pair in zip(_PLANNER, values, strict=True) for item in pair],
    )


def of_cases(rows: QuerySet[Any], field: str, cases: QuerySet[Case]) -> QuerySet[Any]:
    """`rows` narrowed to those of `cases` through `field` (a path to a case id).

    When `cases` has no condition at all (a coordinator without filters: every case) the
    narrowing is skipped: every row already belongs to a case, and PostgreSQL cannot tell,
    so `IN (SELECT id FROM cases_case)` hashed all 100,000 cases for nothing, a third of the
    dashboard's database time (docs/benchmarks.md). Members and filters keep the subquery."""
    if is_every_case(cases):
        return rows
    return rows.filter(**{f"{field}__in": cases.values("pk")})


def of_open_cases(rows: QuerySet[Any], field: str, cases: QuerySet[Case]) -> QuerySet[Any]:
    """`of_cases` for open work that does not rest: narrowed through the cases not closed
    among `cases`, since resting work is exactly that of closed cases (`rests`, kept by
    cases.services). The same rows, through far fewer cases: at a million cases a member's
    visible cases are mostly closed ones, and hashing them all took most of the overdue
    counts' time (docs/benchmarks.md)."""
    if is_every_case(cases):
        return rows
    return of_cases(rows, field, cases.exclude(case_rests_q()))


def is_every_case(cases: QuerySet[Case]) -> bool:
    """`cases` has no condition at all: what `of_cases` leaves whole."""
    return not cases.query.has_filters()


def created_in(period: Period) -> Q:
    return Q(created_at__gte=period.start, created_at__lt=period.end)


def period_window(cases: QuerySet[Case], periods: PeriodPair) -> QuerySet[Case]:
    """The cases created in either period: the rows each comparison query reads."""
    return cases.filter(created_in(periods.current) | created_in(periods.previous))
