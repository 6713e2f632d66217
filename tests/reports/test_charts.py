"""The SVG charts are accessible images that escape what they are given."""

from datetime import date

import pytest
from django.utils import translation

from reports.charts import bar_chart, column_chart
from reports.selectors import Series, SeriesPoint, Tally


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_bar_chart_accessible_and_escaped():
    svg = bar_chart(
        chart_id="c",
        title="Topics <asked>",
        rows=[Tally(key="x", label="<script>alert(1)</script>", current=3, previous=1)],
    )
    assert svg.startswith('<svg class="chart" role="img" aria-labelledby="c-title c-desc"')
    assert '<title id="c-title">Topics &lt;asked&gt;</title>' in svg
    assert "<script>" not in svg
    assert "Largest: &lt;script&gt;alert(1)&lt;/script&gt; (3)" in svg


def test_column_chart_one_bar_per_bucket_with_round_axis():
    points = [SeriesPoint(day=date(2026, 1, d), count=d % 4) for d in range(1, 32)]
    svg = column_chart(chart_id="s", title="Enquiries", series=Series(step="day", points=points))
    assert svg.count('<rect class="bar"') == 31
    assert ">4</text>" in svg  # the axis top: 3 rounded up to an even number
    assert "<title>01/01/2026: 1</title>" in svg  # each bar's tooltip


def test_charts_without_data_say_so():
    svg = bar_chart(chart_id="e", title="Empty", rows=[Tally(key="a", label="A", current=0)])
    assert "No data in this period" in svg
