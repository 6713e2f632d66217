"""Aggregate reads for the dashboard, its CSV exports and the monthly report.

Every figure starts from `case_list_visible`, the one visibility rule: coordinators get the
whole region, members the same figures over the cases they may see. Each figure is one
aggregate query (GROUP BY and conditional COUNTs in the database), so a dashboard costs a
fixed number of queries whatever the data size. Python only adds zero rows and labels
from the reference lists (statuses, stages, target groups, channels, topics); it never
loops over cases.

The current and previous periods are counted in the same query: the rows of both periods
are read once and each COUNT carries a FILTER for its period.

By concern: `types` (the returned figures), `scope` (the cases and the periods' window
that every figure reads), `enquiries`, `newcomers`, `plans` (onboarding), `workload`
(open cases and overdue follow-ups, now), `dashboard` (all of them in one transaction)
and `recipients` (the monthly report's readers).
"""

from reports.selectors.dashboard import dashboard_figures
from reports.selectors.enquiries import enquiry_figures, series_step, topic_counts
from reports.selectors.newcomers import (
    TOP_OCCUPATIONS,
    NewcomerBreakdown,
    NewcomerFigures,
    newcomer_breakdown,
    newcomer_figures,
    occupation_counts,
)
from reports.selectors.plans import onboarding_figures
from reports.selectors.recipients import monthly_report_recipients
from reports.selectors.scope import dashboard_cases
from reports.selectors.types import (
    Dashboard,
    Onboarding,
    Overdue,
    ResponseTimes,
    Series,
    SeriesPoint,
    Tally,
    User,
    Workload,
)
from reports.selectors.workload import OpenCases, followup_overdue_counts, open_case_figures

__all__ = [
    "TOP_OCCUPATIONS",
    "Dashboard",
    "NewcomerBreakdown",
    "NewcomerFigures",
    "Onboarding",
    "OpenCases",
    "Overdue",
    "ResponseTimes",
    "Series",
    "SeriesPoint",
    "Tally",
    "User",
    "Workload",
    "dashboard_cases",
    "dashboard_figures",
    "enquiry_figures",
    "followup_overdue_counts",
    "monthly_report_recipients",
    "newcomer_breakdown",
    "newcomer_figures",
    "occupation_counts",
    "onboarding_figures",
    "open_case_figures",
    "series_step",
    "topic_counts",
]
