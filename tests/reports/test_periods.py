"""Reporting periods: local calendar days in Europe/Oslo, and the period compared with."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from reports.periods import Period, month_pair, period_pair_resolve

OSLO = ZoneInfo("Europe/Oslo")


def test_period_borders_are_local_midnights_across_daylight_saving():
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert march.start == datetime(2026, 3, 1, tzinfo=OSLO)
    assert march.end == datetime(2026, 4, 1, tzinfo=OSLO)
    assert march.end.utcoffset().total_seconds() == 2 * 3600  # summer time by then
    assert march.days == 31


@pytest.mark.parametrize(
    ("kind", "today", "current", "previous"),
    [
        # A running month ends today and is compared with as many days of the one before.
        ("month", date(2026, 3, 10), ("2026-03-01", "2026-03-10"), ("2026-02-01", "2026-02-10")),
        ("month", date(2026, 3, 31), ("2026-03-01", "2026-03-31"), ("2026-02-01", "2026-02-28")),
        (
            "last_month",
            date(2026, 3, 10),
            ("2026-02-01", "2026-02-28"),
            ("2026-01-01", "2026-01-31"),
        ),
        (
            "last_month",
            date(2026, 1, 5),
            ("2025-12-01", "2025-12-31"),
            ("2025-11-01", "2025-11-30"),
        ),
        ("quarter", date(2026, 5, 2), ("2026-04-01", "2026-05-02"), ("2026-01-01", "2026-02-01")),
        ("year", date(2026, 2, 15), ("2026-01-01", "2026-02-15"), ("2025-01-01", "2025-02-15")),
        ("", date(2026, 2, 15), ("2026-02-01", "2026-02-15"), ("2026-01-01", "2026-01-15")),
    ],
)
def test_period_pair_resolve_presets(kind, today, current, previous):
    pair = period_pair_resolve(kind=kind, today=today)
    assert (str(pair.current.first_day), str(pair.current.last_day)) == current
    assert (str(pair.previous.first_day), str(pair.previous.last_day)) == previous


def test_period_pair_resolve_custom_compares_with_as_many_days_before():
    pair = period_pair_resolve(
        kind="custom", today=date(2026, 2, 15), first=date(2026, 1, 10), last=date(2026, 1, 19)
    )
    assert pair.current == Period(date(2026, 1, 10), date(2026, 1, 19))
    assert pair.previous == Period(date(2025, 12, 31), date(2026, 1, 9))


def test_month_pair_whole_month_and_the_month_before():
    pair = month_pair(month=date(2026, 3, 1), today=date(2026, 6, 1))
    assert pair.current == Period(date(2026, 3, 1), date(2026, 3, 31))
    assert pair.previous == Period(date(2026, 2, 1), date(2026, 2, 28))
