"""Every figure on the dashboard at once, in one transaction."""

from dataclasses import replace
from datetime import date

from django.db.models import QuerySet

from cases.models import Case
from contacts.selectors import staff_access
from jobs.figures import job_figures
from reports.forms import DashboardFilters
from reports.periods import PeriodPair
from reports.selectors.enquiries import enquiry_figures, topic_counts
from reports.selectors.newcomers import newcomer_figures
from reports.selectors.outcomes import outcomes_section
from reports.selectors.plans import onboarding_figures
from reports.selectors.scope import dashboard_cases, figures_planner
from reports.selectors.types import Dashboard, User
from reports.selectors.workload import followup_overdue_counts, open_case_figures


def dashboard_figures(
    *, user: User, periods: PeriodPair, filters: DashboardFilters, today: date
) -> Dashboard:
    """Every figure on the dashboard in nine queries whatever the data size on PostgreSQL
    (which adds BEGIN, COMMIT and the planner settings, `figures_planner`, read and put
    back as well inside a caller's transaction); fifteen on SQLite, for the percentiles
    and the newcomer tables (`newcomer_figures`). One transaction, for the planner
    settings; under PostgreSQL's READ COMMITTED each statement still reads the data as
    they are when it starts."""
    cases = dashboard_cases(user=user, filters=filters)
    with figures_planner(cases.db):
        figures = _figures(cases=cases, periods=periods, filters=filters, today=today)
        outcomes = outcomes_section(user=user, filters=filters, today=today)
        # Supply and demand are the region's picture, not a case list: coordinators only.
        jobs = job_figures() if staff_access(user).sees_all else None
        return replace(figures, outcomes=outcomes, jobs=jobs)


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
