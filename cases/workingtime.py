"""Working time: weekdays within OFFICE_HOURS in TIME_ZONE, Norwegian public holidays off.

Pure functions (no database); the public holidays come from the `holidays` package.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NO", years=year))


def office_hours() -> tuple[time, time]:
    start, end = settings.OFFICE_HOURS.split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def is_working_day(day: date) -> bool:
    """Monday to Friday, not a Norwegian public holiday (17 May, Easter, Christmas...)."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def local_at(day: date, at: time) -> datetime:
    """The aware moment `at` o'clock on `day` in TIME_ZONE. On the days clocks change, a
    wall time that does not exist (02:30 on 2026-03-29) moves on by the gap, and one that
    happens twice (02:30 on 2026-10-25) is the first of the two (zoneinfo's fold=0)."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=_zone())
    # Round-trip through UTC normalises a wall time inside the spring gap.
    return aware.astimezone(ZoneInfo("UTC")).astimezone(_zone())


def working_deadline(start: datetime, hours: float) -> datetime:
    """The moment `hours` working hours after `start` (aware). Time outside office hours,
    weekends and public holidays does not count: an enquiry on Friday 15:00 with 4 working
    hours is due Monday 11:00 (with 08:00-16:00), or Tuesday when Monday is a holiday."""
    opens, closes = office_hours()
    remaining = timedelta(hours=hours)
    current = start.astimezone(_zone())
    day = current.date()
    while True:
        if is_working_day(day):
            day_open, day_close = local_at(day, opens), local_at(day, closes)
            begin = max(current, day_open)
            if begin < day_close:
                available = day_close - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
        current = local_at(day, opens)


def response_due(*, priority: str, start: datetime) -> datetime:
    """When a case of this priority opened at `start` needs its first response:
    FIRST_RESPONSE_TARGET_HOURS[priority] working hours later."""
    return working_deadline(start, settings.FIRST_RESPONSE_TARGET_HOURS[priority])
