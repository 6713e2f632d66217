"""The dashboard's tables as header and rows: one definition for the CSV files and the PDF.

Headers and labels are in the active language. Numbers stay numbers here; the CSV writer
decides how they look.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from outcomes.figures import OutcomeFigures
from reports import outcome_tables
from reports.formats import bucket_display, duration_hours
from reports.selectors import Dashboard, Tally, Workload

Rows = list[list[Any]]


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: Rows


def _compare(label_header: str, rows: list[Tally]) -> tuple[list[str], Rows]:
    return (
        [label_header, _("This period"), _("Previous period")],
        [[row.label, row.current, row.previous] for row in rows],
    )


def _workload(
    label_header: str, rows: list[Workload], *, unowned: bool = True
) -> tuple[list[str], Rows]:
    if not unowned:  # per owner: only the "Nobody" row would have any
        return (
            [label_header, _("Open cases"), _("New")],
            [[row.label, row.open, row.new] for row in rows],
        )
    return (
        [label_header, _("Open cases"), _("New"), _("Without owner")],
        [[row.label, row.open, row.new, row.unowned] for row in rows],
    )


def _summary(data: Dashboard) -> tuple[list[str], Rows]:
    now, before = data.response, data.response_previous
    return (
        [_("Figure"), _("This period"), _("Previous period")],
        [
            [_("New enquiries"), data.enquiries.current, data.enquiries.previous],
            [
                _("Median time to first response (hours)"),
                duration_hours(now.median),
                duration_hours(before.median),
            ],
            [
                _("90th percentile time to first response (hours)"),
                duration_hours(now.p90),
                duration_hours(before.p90),
            ],
            [_("Enquiries still without a response"), now.waiting, before.waiting],
            [_("Open cases now"), data.open_cases, None],
            [_("Overdue follow-ups now"), data.overdue.followups, None],
            [_("Cases with overdue follow-ups now"), data.overdue.cases, None],
        ],
    )


def _onboarding(data: Dashboard) -> tuple[list[str], Rows]:
    o = data.onboarding
    return (
        [_("Figure"), _("This period"), _("Previous period")],
        [
            [o.plans_started.label, o.plans_started.current, o.plans_started.previous],
            [o.steps_done.label, o.steps_done.current, o.steps_done.previous],
            [_("Plan steps due"), o.steps_due, o.steps_due_previous],
            [_("Due steps done on time"), o.on_time, o.on_time_previous],
            [_("Share done on time (%)"), o.on_time_share, o.on_time_share_previous],
            [_("Overdue plan steps now"), o.overdue_steps, None],
            [_("Cases with overdue plan steps now"), o.overdue_cases, None],
        ],
    )


def _series(data: Dashboard) -> tuple[list[str], Rows]:
    step = data.series.step
    header = {"day": _("Day"), "week": _("Week"), "month": _("Month")}[step]
    return (
        [header, _("New enquiries")],
        [[bucket_display(point.day, step), point.count] for point in data.series.points],
    )


def _funnel(data: Dashboard) -> tuple[list[str], Rows]:
    reached = {row.key: row for row in data.funnel}
    return (
        [
            _("Stage"),
            _("Newcomers at this stage"),
            _("Reached this stage or further"),
            _("Previous period: at this stage"),
        ],
        [
            [row.label, row.current, reached[row.key].current, row.previous]
            for row in data.lifecycle
        ],
    )


TABLES: dict[str, tuple[Callable[[], str], Callable[[Dashboard], tuple[list[str], Rows]]]] = {
    "summary": (lambda: _("Key figures"), _summary),
    "onboarding": (lambda: _("Onboarding progress"), _onboarding),
    "enquiries": (lambda: _("New enquiries over time"), _series),
    "status": (
        lambda: _("Open cases by status"),
        lambda d: ([_("Status"), _("Cases")], [[r.label, r.current] for r in d.statuses]),
    ),
    "funnel": (lambda: _("Newcomers by stage"), _funnel),
    "target-groups": (
        lambda: _("Newcomers by target group"),
        lambda d: _compare(_("Target group"), d.target_groups),
    ),
    "channels": (
        lambda: _("Heard of the team through"),
        lambda d: _compare(_("Channel"), d.channels),
    ),
    "topics": (lambda: _("Topics asked about"), lambda d: _compare(_("Topic"), d.topics)),
    "occupations": (
        lambda: _("Newcomers' occupations and competences"),
        lambda d: _compare(_("Occupation or competence"), d.occupations),
    ),
    "partner-occupations": (
        lambda: _("Partners who need work: occupations and competences"),
        lambda d: _compare(_("Occupation or competence"), d.partner_occupations),
    ),
    "organisations": (
        lambda: _("Workload per organisation"),
        lambda d: _workload(_("Organisation"), d.organisations),
    ),
    "owners": (
        lambda: _("Workload per owner"),
        lambda d: _workload(_("Owner"), d.owners, unowned=False),
    ),
    # The Outcomes section (reports.outcome_tables); figures under 5 people are empty.
    "outcomes-retention": (
        lambda: _("Still in the region, by months after the move"),
        lambda d: outcome_tables.retention_table(_outcomes(d)),
    ),
    "outcomes-responses": (
        lambda: _("Settling-in questionnaires: response rates"),
        lambda d: outcome_tables.responses_table(_outcomes(d)),
    ),
    "outcomes-scores": (
        lambda: _("How settled, and would they recommend the region"),
        lambda d: outcome_tables.scores_table(_outcomes(d)),
    ),
    "outcomes-work": (
        lambda: _("Work at 12 months"),
        lambda d: outcome_tables.work_table(_outcomes(d)),
    ),
    "outcomes-needs": (
        lambda: _("Top unmet needs by quarter"),
        lambda d: outcome_tables.needs_table(_outcomes(d)),
    ),
    # The Jobs section (jobs.figures); empty for those who do not see it.
    "jobs": (lambda: _("Jobs: supply and demand by occupation group"), lambda d: _jobs(d)),
}


def _jobs(data: Dashboard) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Occupation group"),
        _("Title"),
        _("Newcomers"),
        _("Partners"),
        _("Supply"),
        _("Open positions"),
        _("Matched"),
        _("Placed"),
    ]
    if data.jobs is None:
        return headers, []
    rows: list[list[Any]] = [
        [
            r.code or _("All groups"),
            r.title,
            r.newcomers,
            r.partners,
            r.supply,
            r.demand,
            r.matched,
            r.placed,
        ]
        for r in [*data.jobs.by_major, *data.jobs.by_sub_major, data.jobs.total]
    ]
    return headers, rows


def _outcomes(data: Dashboard) -> OutcomeFigures:
    if data.outcomes is None:  # dashboard_figures always sets it
        raise ValueError("the dashboard has no Outcomes figures")
    return data.outcomes


def table_build(*, name: str, data: Dashboard) -> Table:
    """One table by its name in the URL (/dashboard/export/<name>.csv); KeyError if none."""
    title, build = TABLES[name]
    headers, rows = build(data)
    return Table(title=title(), headers=headers, rows=rows)
