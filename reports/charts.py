"""Server-side SVG charts: no JavaScript, no build step, no third-party requests.

Each chart is an inline <svg role="img"> named by its <title> and summed up by its <desc>;
the page puts a table with the same figures beside it, which is what screen readers and
keyboard users read. Bars carry their own <title> as a hover tooltip. Colours come from
classes styled in tilflytt.css, so the charts follow the page's palette.
"""

import math
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from outcomes.figures import RetentionRow
from reports.formats import bucket_display, bucket_tick
from reports.selectors import Dashboard, Series, Tally

# viewBox widths, chosen so that text comes out near the page's size where each chart sits:
# time series across the page, bar charts beside their table.
SERIES_WIDTH = 900
BARS_WIDTH = 520
LABEL_WIDTH = 190  # room for row labels in the horizontal charts
MAX_LABEL = 28  # characters; the full label is in the bar's tooltip and the table


def _nice_ceiling(value: int) -> int:
    """A round, even top for the value axis (2, 4, ..., 10, 20, 40, 60, 80, 100, 200, ...),
    so the middle gridline is a whole number."""
    if value <= 10:
        return max(2, value + value % 2)
    magnitude = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 4, 6, 8, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return value  # not reached


def _n(value: float) -> str:
    """A coordinate: one decimal is finer than a pixel."""
    return f"{value:.1f}"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _svg(
    *, chart_id: str, title: str, desc: str, width: int, height: int, body: SafeString
) -> SafeString:
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{0}-title {0}-desc" '
        'viewBox="0 0 {1} {2}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>',
        chart_id,
        width,
        height,
        title,
        desc,
        body,
    )


def _describe(items: Sequence[tuple[str, int]]) -> str:
    total = sum(value for _label, value in items)
    if not total:
        return _("No data in this period. The figures are also in the table.")
    label, value = max(items, key=lambda item: item[1])
    return _("Largest: %(label)s (%(value)d). The figures are also in the table.") % {
        "label": label,
        "value": value,
    }


def column_chart(*, chart_id: str, title: str, series: Series) -> SafeString:
    """Vertical bars over time, with a value axis and sparse tick labels."""
    width, height, top, bottom, left, right = SERIES_WIDTH, 240, 12, 26, 40, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    points = series.points
    top_value = _nice_ceiling(max((p.count for p in points), default=0))
    slot = plot_w / max(len(points), 1)
    every = math.ceil(len(points) / 16) or 1
    parts = []
    for fraction in (0, 0.5, 1):
        y = top + plot_h - plot_h * fraction
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                width - right,
                _n(y),
                _n(y),
                left - 6,
                _n(y + 4),
                f"{top_value * fraction:g}",
            )
        )
    for index, point in enumerate(points):
        bar_h = plot_h * point.count / top_value
        x = left + index * slot + slot * 0.15
        parts.append(
            format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}: {}</title></rect>",
                _n(x),
                _n(top + plot_h - bar_h),
                _n(max(slot * 0.7, 1)),
                _n(bar_h),
                bucket_display(point.day, series.step),
                point.count,
            )
        )
        if index % every == 0:
            parts.append(
                format_html(
                    '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(left + index * slot + slot / 2),
                    height - 8,
                    bucket_tick(point.day, series.step),
                )
            )
    desc = _describe([(bucket_display(p.day, series.step), p.count) for p in points])
    # Safe: every part is format_html output, which escapes each value (bandit B703).
    body = SafeString("".join(parts))  # nosec B703
    return _svg(chart_id=chart_id, title=title, desc=desc, width=width, height=height, body=body)


def bar_chart(
    *, chart_id: str, title: str, rows: Sequence[Tally], centred: bool = False
) -> SafeString:
    """Horizontal bars, one per row, labelled on the left and valued on the right.
    `centred` draws a funnel; a row with the key "left" is set apart in another colour."""
    row_h, right = 26, 44
    plot_w = BARS_WIDTH - LABEL_WIDTH - right
    top_value = max((row.current for row in rows), default=0) or 1
    parts = []
    y = 4
    for row in rows:
        apart = centred and row.key == "left"
        if apart:
            y += 10
        bar_w = plot_w * row.current / top_value
        x = LABEL_WIDTH + ((plot_w - bar_w) / 2 if centred else 0)
        parts.append(
            format_html(
                '<text class="label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}: {}</title></rect>"
                '<text class="value" x="{}" y="{}">{}</text>',
                LABEL_WIDTH - 8,
                y + 17,
                _short(row.label),
                "bar bar-apart" if apart else "bar",
                _n(x),
                y + 3,
                _n(bar_w),
                row_h - 6,
                row.label,
                row.current,
                _n((LABEL_WIDTH + plot_w + 6) if centred else (x + bar_w + 6)),
                y + 17,
                row.current,
            )
        )
        y += row_h
    desc = _describe([(row.label, row.current) for row in rows])
    # Safe: every part is format_html output, which escapes each value (bandit B703).
    body = SafeString("".join(parts))  # nosec B703
    return _svg(
        chart_id=chart_id, title=title, desc=desc, width=BARS_WIDTH, height=y + 4, body=body
    )


def dashboard_charts(data: Dashboard) -> dict[str, SafeString]:
    """The dashboard's four charts, keyed by the table they illustrate."""
    return {
        "series": column_chart(
            chart_id="chart-series", title=_("New enquiries over time"), series=data.series
        ),
        "funnel": bar_chart(
            chart_id="chart-funnel",
            title=_("How far the newcomers got"),
            rows=data.funnel,
            centred=True,
        ),
        "channels": bar_chart(
            chart_id="chart-channels",
            title=_("Heard of the team through"),
            rows=[row for row in data.channels if row.current or row.key],
        ),
        "topics": bar_chart(
            chart_id="chart-topics",
            title=_("Topics asked about"),
            rows=[row for row in data.topics if row.current],
        ),
        "retention": retention_curve(
            chart_id="chart-retention",
            title=_("Still in the region, by months after the move"),
            row=data.outcomes.overall if data.outcomes else RetentionRow("all", {}),
        ),
    }


def retention_curve(*, chart_id: str, title: str, row: RetentionRow) -> SafeString:
    """The share still in the region at each number of months, with its 95 % interval as a
    whisker; a suppressed point (under 5 people) is left out, and the line skips it."""
    width, height, top, bottom, left, right = BARS_WIDTH, 240, 12, 30, 44, 16
    plot_w, plot_h = width - left - right, height - top - bottom
    last = max(row.shares, default=1) or 1

    def x(months: int) -> float:
        return left + plot_w * months / last

    def y(percent: float) -> float:
        return top + plot_h - plot_h * percent / 100

    parts = []
    for percent in (0, 50, 100):
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{} %</text>',
                left,
                width - right,
                _n(y(percent)),
                _n(y(percent)),
                left - 6,
                _n(y(percent) + 4),
                percent,
            )
        )
    points = []
    for months, share in row.shares.items():
        parts.append(
            format_html(
                '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(x(months)),
                height - 10,
                months,
            )
        )
        if share.percent is None or share.low is None or share.high is None:
            continue
        points.append(f"{_n(x(months))},{_n(y(share.percent))}")
        parts.append(
            format_html(
                '<line class="whisker" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>'
                '<circle class="point" cx="{0}" cy="{3}" r="4">'
                "<title>{4}: {5} % ({6}-{7}), n = {8}</title></circle>",
                _n(x(months)),
                _n(y(share.low)),
                _n(y(share.high)),
                _n(y(share.percent)),
                _("%(months)d months") % {"months": months},
                share.percent,
                share.low,
                share.high,
                share.n,
            )
        )
    if len(points) > 1:
        parts.insert(0, format_html('<polyline class="curve" points="{}"/>', " ".join(points)))
    desc = _(
        "Share still in the region by months after the move, with confidence intervals (95%). "
        "The figures are also in the table."
    )
    # Safe: every part is format_html output, which escapes each value (bandit B703).
    body = SafeString("".join(parts))  # nosec B703
    return _svg(chart_id=chart_id, title=title, desc=desc, width=width, height=height, body=body)
