"""The Outcomes section's tables: one definition for the page, the CSV files and the PDF.

Every figure under 5 people is already None in outcomes.figures (suppression); here None
becomes an empty cell, and the page and the PDF say why."""

from typing import Any

from django.utils.translation import gettext as _

from contacts.models import Newcomer
from outcomes.figures import (
    THEME_LABELS,
    WORK_LABELS,
    CountRow,
    OutcomeFigures,
    RetentionRow,
    quarter_label,
    suppressed,
)
from outcomes.models import Work

Rows = list[list[Any]]
DASH = "\u2013"


def _group_label(breakdown: str, key: str) -> str:
    if breakdown == "all":
        return _("All newcomers")
    if breakdown == "target_group":
        return str(dict(Newcomer.TargetGroup.choices).get(key, key))
    if breakdown == "municipality":
        return key or _("No municipality")
    return key  # a cohort: "2026-Q1"


def retention_rows(figures: OutcomeFigures) -> list[tuple[str, str, RetentionRow]]:
    """(breakdown label, group label, row) for every retention row, overall first."""
    breakdowns = [
        ("all", _("All"), [figures.overall]),
        ("cohort", _("Move cohort (quarter)"), figures.by_cohort),
        ("target_group", _("Target group"), figures.by_target_group),
        ("municipality", _("Municipality"), figures.by_municipality),
    ]
    return [
        (title, _group_label(key, row.key), row) for key, title, rows in breakdowns for row in rows
    ]


def retention_table(figures: OutcomeFigures) -> tuple[list[str], Rows]:
    """Long form: one row per group and number of months (a spreadsheet pivots it)."""
    headers = [
        _("Breakdown"),
        _("Group"),
        _("Months after the move"),
        _("People counted"),
        _("Still in the region (%)"),
        _("Confidence interval (95%), low (%)"),
        _("Confidence interval (95%), high (%)"),
    ]
    rows = []
    for breakdown, group, row in retention_rows(figures):
        for months, share in row.shares.items():
            rows.append(
                [breakdown, group, months, share.shown_n, share.percent, share.low, share.high]
            )
    return headers, rows


def retention_pivot(figures: OutcomeFigures) -> tuple[list[str], Rows]:
    """Group by months, each cell "82 % (70-90), n = 34": the PDF's compact form."""
    headers = [_("Group")] + [_("%(months)d months") % {"months": m} for m in figures.months]
    rows = []
    for breakdown, group, row in retention_rows(figures):
        cells = [
            None if s.percent is None else f"{share_display(s)}, n = {s.n}"
            for s in row.shares.values()
        ]
        rows.append([f"{breakdown}: {group}", *cells])
    return headers, rows


def responses_table(figures: OutcomeFigures) -> tuple[list[str], Rows]:
    headers = [_("Months after the move"), _("Asked"), _("Answered"), _("Response rate (%)")]
    rows = [
        [r.months, r.rate.shown_n, suppressed(r.answered), r.rate.percent]
        for r in figures.responses
    ]
    return headers, rows


def scores_table(figures: OutcomeFigures) -> tuple[list[str], Rows]:
    headers = [
        _("Quarter answered"),
        _("Answers"),
        _("How settled (mean, 1-5)"),
        _("Recommendation score (-100 to 100)"),
    ]
    rows = [
        [quarter_label(r.quarter), suppressed(r.n), r.settled_mean, r.recommendation]
        for r in figures.scores
    ]
    return headers, rows


def work_table(figures: OutcomeFigures) -> tuple[list[str], Rows]:
    headers = [
        _("Work at 12 months"),
        _("Newcomers"),
        _("Newcomers (%)"),
        _("Partners"),
        _("Partners (%)"),
    ]
    partners = {row.key: row for row in figures.work_partners}
    rows = []
    for row in figures.work_adults:
        partner = partners.get(row.key, CountRow(row.key, None, None))
        rows.append(
            [str(WORK_LABELS[Work(row.key)]), row.count, row.share, partner.count, partner.share]
        )
    rows.append([_("Answered"), figures.work_adults_n, None, figures.work_partners_n, None])
    return headers, rows


def needs_table(figures: OutcomeFigures) -> tuple[list[str], Rows]:
    headers = [_("Quarter answered"), _("What was missing"), _("Answers naming it"), _("Share (%)")]
    rows = [
        [quarter_label(period.quarter), str(THEME_LABELS.get(r.key, r.key)), r.count, r.share]
        for period in figures.needs
        for r in period.rows
    ]
    return headers, rows


def share_display(share: Any) -> str:
    """ "82 % (70-90)" for the page (with an en dash); a dash when suppressed."""
    if share.percent is None:
        return DASH
    return f"{share.percent:.0f} % ({share.low:.0f}{DASH}{share.high:.0f})"
