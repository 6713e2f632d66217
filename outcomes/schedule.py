"""When check-ins fall due: pure date arithmetic, no database."""

import calendar
from datetime import date, datetime, time, timedelta

from django.conf import settings

from cases.workingtime import is_working_day, local_at

# A check-in found this many days after its day (the first run over old data, an outage) is
# marked missed, not sent: nobody is asked about "3 months" half a year later.
MISSED_AFTER_DAYS = 30
# How long after its day a check-in may still be answered (on the page or by phone).
ANSWER_DAYS = 90


def months_after(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the month's last day (31 Jan + 1 month
    = 28 or 29 Feb), as people count months."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_months() -> list[int]:
    return [int(m) for m in settings.OUTCOMES_CHECKIN_MONTHS.split(",") if m.strip()]


def invite_time() -> time:
    return time.fromisoformat(settings.OUTCOMES_INVITE_TIME)


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def invite_at(due_date: date) -> datetime:
    """Invitations go out at OUTCOMES_INVITE_TIME (local) on the due day, or on the next
    working day when it is a weekend or a public holiday: a questionnaire on 17 May or
    Christmas Eve is read by nobody and answered by fewer."""
    return local_at(next_working_day(due_date), invite_time())


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
