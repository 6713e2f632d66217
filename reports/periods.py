"""Reporting periods: whole days in the team's time zone (settings.TIME_ZONE).

A period is a run of local calendar days; its borders are local midnights, never UTC
ones. A case created at 23:30 on 31 January counts in January, and one created at 00:30 on
1 February counts in February although it is still 31 January in UTC.

Each period has a previous period of the same length to compare with:
- a calendar month, quarter or year is compared with the one before it;
- a period still running (this month, quarter or year) ends today, and is compared with
  the same number of days from the start of the previous one, so the first ten days of
  March are compared with the first ten days of February rather than all of it;
- a custom range is compared with as many days just before it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

THIS_MONTH = "month"
LAST_MONTH = "last_month"
QUARTER = "quarter"
YEAR = "year"
CUSTOM = "custom"
PERIOD_CHOICES = [
    (THIS_MONTH, _("This month")),
    (LAST_MONTH, _("Last month")),
    (QUARTER, _("This quarter")),
    (YEAR, _("This year")),
    (CUSTOM, _("Custom dates")),
]
# Longer custom ranges would draw more monthly bars than a chart can hold.
MAX_DAYS = 5 * 366


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date  # inclusive

    @property
    def start(self) -> datetime:
        """Local midnight at the start of the first day, as an aware datetime."""
        return _local_midnight(self.first_day)

    @property
    def end(self) -> datetime:
        """Local midnight after the last day: the exclusive upper border."""
        return _local_midnight(self.last_day + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class PeriodPair:
    current: Period
    previous: Period


def _local_midnight(day: date) -> datetime:
    # Midnight exists every day in Europe/Oslo (clocks change at 02:00 and 03:00).
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _calendar_pair(first: date, months: int, today: date) -> PeriodPair:
    """The calendar unit of `months` months starting at `first`, ending today at the
    latest, and the same stretch of the unit before it."""
    natural_last = _add_months(first, months) - timedelta(days=1)
    last = min(natural_last, max(today, first))
    previous_first = _add_months(first, -months)
    previous_last = first - timedelta(days=1)  # the whole unit before, when this one is whole
    if last < natural_last:
        previous_last = min(previous_first + (last - first), previous_last)
    return PeriodPair(Period(first, last), Period(previous_first, previous_last))


def period_pair_resolve(
    *, kind: str, today: date, first: date | None = None, last: date | None = None
) -> PeriodPair:
    """The period chosen on the dashboard and the one it is compared with."""
    month_start = today.replace(day=1)
    if kind == LAST_MONTH:
        return month_pair(month=_add_months(month_start, -1), today=today)
    if kind == QUARTER:
        return _calendar_pair(month_start.replace(month=(today.month - 1) // 3 * 3 + 1), 3, today)
    if kind == YEAR:
        return _calendar_pair(month_start.replace(month=1), 12, today)
    if kind == CUSTOM and first is not None and last is not None:
        length = last - first
        previous_last = first - timedelta(days=1)
        return PeriodPair(Period(first, last), Period(previous_last - length, previous_last))
    return _calendar_pair(month_start, 1, today)


def month_pair(*, month: date, today: date) -> PeriodPair:
    """A calendar month (the monthly report) and the month before it."""
    return _calendar_pair(month.replace(day=1), 1, today)
