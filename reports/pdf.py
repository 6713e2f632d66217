"""The monthly report as a PDF: a pure renderer over figures already read (no queries, no
writes), in the active language.

Fonts, colours and the base styles come from config.pdf; the charts are drawn with
reportlab.graphics in the same font, so they stay vector.
"""

import math
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from config.pdf import (
    ACCENT,
    CELL_COMPACT,
    FONT,
    FRAME_WIDTH,
    HEADING_COMPACT,
    LEAD,
    LINE,
    TITLE_COMPACT,
    document_render,
    paragraph,
)
from reports import outcome_tables
from reports.exports import table_build
from reports.formats import (
    DASH,
    bucket_tick,
    change_display,
    duration_display,
    percent_display,
    period_display,
)
from reports.selectors import Dashboard, Series, Tally

NUMBER = ParagraphStyle("number", parent=CELL_COMPACT, alignment=TA_RIGHT)
HEADER_BACKGROUND = colors.HexColor("#fafbfc")


def _cell(value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, float):
        return number_format(value, 1)
    return str(value)


def _table(headers: list[str], rows: list[list[Any]]) -> Table:
    if not rows:
        rows = [[_("Nothing in this period.")] + [""] * (len(headers) - 1)]
    styles = [CELL_COMPACT] + [NUMBER] * (len(headers) - 1)
    body = [[paragraph(h, style) for h, style in zip(headers, styles, strict=True)]]
    body += [
        [paragraph(_cell(value), style) for value, style in zip(row, styles, strict=True)]
        for row in rows
    ]
    first = FRAME_WIDTH * (0.46 if len(headers) > 2 else 0.7)
    others = (FRAME_WIDTH - first) / max(len(headers) - 1, 1)
    table = Table(body, colWidths=[first] + [others] * (len(headers) - 1), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _axis_top(value: int) -> tuple[int, int]:
    """A round top for the value axis and a step giving at most five gridlines."""
    top = max(value, 1)
    step = max(1, 10 ** math.floor(math.log10(top)) // 2 if top >= 10 else 1)
    while top / step > 5:
        step *= 2
    return math.ceil(top / step) * step, step


def _column_drawing(series: Series) -> Drawing:
    counts = [point.count for point in series.points] or [0]
    every = math.ceil(len(counts) / 16) or 1
    drawing = Drawing(FRAME_WIDTH, 150)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 28, 22, FRAME_WIDTH - 36, 118
    chart.data = [counts]
    chart.categoryAxis.categoryNames = [
        bucket_tick(point.day, series.step) if index % every == 0 else ""
        for index, point in enumerate(series.points)
    ]
    top, step = _axis_top(max(counts))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, 7
        axis.strokeColor = LINE
    chart.valueAxis.gridStrokeColor = LINE
    chart.valueAxis.visibleGrid = True
    chart.bars[0].fillColor, chart.bars[0].strokeColor = ACCENT, None
    drawing.add(chart)
    return drawing


def _bar_drawing(rows: list[Tally]) -> Drawing:
    """Horizontal bars, first row at the top (ReportLab draws categories bottom-up)."""
    rows = list(reversed(rows)) or [Tally(key="", label=DASH, current=0)]
    height = 16 * len(rows) + 24
    drawing = Drawing(FRAME_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 16, FRAME_WIDTH - 170, height - 22
    chart.data = [[row.current for row in rows]]
    chart.categoryAxis.categoryNames = [row.label[:34] for row in rows]
    top, step = _axis_top(max(row.current for row in rows))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, 7.5
        axis.strokeColor = LINE
    chart.bars[0].fillColor, chart.bars[0].strokeColor = ACCENT, None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName, chart.barLabels.fontSize = FONT, 7
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 3
    drawing.add(chart)
    return drawing


def _section(title: str, *flowables: Flowable) -> KeepTogether:
    return KeepTogether([paragraph(title, HEADING_COMPACT), *flowables, Spacer(1, 4)])


def _tally_rows(rows: list[Tally]) -> list[list[Any]]:
    return [[r.label, r.current, r.previous, change_display(r.current, r.previous)] for r in rows]


def _summary(data: Dashboard) -> Table:
    now, before = data.response, data.response_previous
    headers = [_("Figure"), _("This period"), _("Previous period"), _("Change")]
    rows: list[list[Any]] = [
        [
            _("New enquiries"),
            data.enquiries.current,
            data.enquiries.previous,
            change_display(data.enquiries.current, data.enquiries.previous),
        ],
        [
            _("Median time to first response"),
            duration_display(now.median),
            duration_display(before.median),
            "",
        ],
        [
            _("90th percentile time to first response"),
            duration_display(now.p90),
            duration_display(before.p90),
            "",
        ],
        [
            _("Enquiries still without a response"),
            now.waiting,
            before.waiting,
            change_display(now.waiting, before.waiting),
        ],
        [_("Open cases now"), data.open_cases, None, ""],
        [_("Overdue follow-ups now"), data.overdue.followups, None, ""],
    ]
    return _table(headers, rows)


def _onboarding(data: Dashboard) -> Table:
    o = data.onboarding
    headers = [_("Figure"), _("This period"), _("Previous period"), _("Change")]
    rows = [
        _tally_rows([o.plans_started])[0],
        _tally_rows([o.steps_done])[0],
        [
            _("Plan steps due"),
            o.steps_due,
            o.steps_due_previous,
            change_display(o.steps_due, o.steps_due_previous),
        ],
        [
            _("Share done on time"),
            percent_display(o.on_time_share),
            percent_display(o.on_time_share_previous),
            "",
        ],
        [_("Overdue plan steps now"), o.overdue_steps, None, ""],
    ]
    return _table(headers, rows)


def render_monthly_report(*, data: Dashboard) -> bytes:
    """The month's figures and charts for the whole region, compared with the month
    before; the document's title, author and language are set for readers and search."""
    current, previous = data.periods.current, data.periods.previous
    month = date_format(current.first_day, "YEAR_MONTH_FORMAT")
    title = _("Newcomer team: monthly report for %(month)s") % {"month": month}
    compare = [_("This period"), _("Previous period"), _("Change")]
    statuses = table_build(name="status", data=data)
    workload = [table_build(name=name, data=data) for name in ("organisations", "owners")]
    story: list[Flowable] = [
        paragraph(title, TITLE_COMPACT),
        paragraph(
            _("%(current)s, compared with %(previous)s. Every case in the region.")
            % {"current": period_display(current), "previous": period_display(previous)},
            LEAD,
        ),
        Spacer(1, 8),
        _section(_("Key figures"), _summary(data)),
        _section(_("Onboarding progress"), _onboarding(data)),
        _section(_("New enquiries over time"), _column_drawing(data.series)),
        _section(
            _("How far the newcomers got"),
            _bar_drawing(data.funnel),
            _table(*_funnel_table(data)),
        ),
        _section(
            _("Heard of the team through"),
            _bar_drawing([row for row in data.channels if row.current or row.key]),
            _table([_("Channel"), *compare], _tally_rows(data.channels)),
        ),
        _section(
            _("Topics asked about"),
            _bar_drawing([row for row in data.topics if row.current]),
            _table([_("Topic"), *compare], _tally_rows(data.topics)),
        ),
        _section(
            _("Newcomers by target group"),
            _table([_("Target group"), *compare], _tally_rows(data.target_groups)),
        ),
        _section(
            _("Newcomers' occupations and competences"),
            _table([_("Occupation or competence"), *compare], _tally_rows(data.occupations)),
        ),
        _section(
            _("Partners who need work: occupations and competences"),
            _table(
                [_("Occupation or competence"), *compare], _tally_rows(data.partner_occupations)
            ),
        ),
        _section(statuses.title, _table(statuses.headers, statuses.rows)),
        *(_section(table.title, _table(table.headers, table.rows)) for table in workload),
        *_outcomes(data),
    ]
    return document_render(
        story,
        title=title,
        author=_("Tilflytt, the newcomer team's case tracker"),
        subject=_("Enquiries, newcomers and workload"),
        footer=title,
    )


def _outcomes(data: Dashboard) -> list[Flowable]:
    """The Outcomes section: over all time, whatever the month; under 5 people, a dash."""
    if data.outcomes is None:
        return []
    others = [
        table_build(name=name, data=data)
        for name in ("outcomes-responses", "outcomes-scores", "outcomes-work", "outcomes-needs")
    ]
    note = _(
        "From the settling-in questionnaires, over all time. No figure for fewer than 5 "
        "people is shown: such cells show a dash. In brackets: the confidence interval "
        "(95%, Wilson). Recommendation score: the share of promoters (9-10) minus the share of "
        "detractors (0-6)."
    )
    return [
        _section(
            _("Outcomes: still in the region, by months after the move"),
            paragraph(note, CELL_COMPACT),
            _table(*outcome_tables.retention_pivot(data.outcomes)),
        ),
        *(_section(table.title, _table(table.headers, table.rows)) for table in others),
    ]


def _funnel_table(data: Dashboard) -> tuple[list[str], list[list[Any]]]:
    built = table_build(name="funnel", data=data)
    return built.headers, built.rows
