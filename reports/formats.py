"""How the reports show durations, changes, periods and chart buckets, in the active
language; shared by the page, the CSV files and the PDF."""

from datetime import date, timedelta

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from reports.periods import Period

DASH = "\u2013"  # an en dash: nothing to show, and between dates


def duration_display(value: timedelta | None) -> str:
    """'45 min', '5 h 20 min' or '3 d 4 h'; a dash when there is nothing to show."""
    if value is None:
        return DASH
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


def duration_hours(value: timedelta | None) -> float | None:
    """Hours with one decimal, for the CSV files."""
    return None if value is None else round(value.total_seconds() / 3600, 1)


def percent_display(value: float | None) -> str:
    """'87.5 %' in the active language's number format; a dash when nothing was due."""
    if value is None:
        return DASH
    return _("%(percent)s %%") % {"percent": number_format(value, 1)}


def change_display(current: int, previous: int | None) -> str:
    """'+3', '\u22122' (with a real minus sign) or '±0'."""
    if previous is None:
        return ""
    difference = current - previous
    if difference > 0:
        return f"+{difference}"
    if difference < 0:
        return f"\u2212{-difference}"
    return "±0"


def period_display(period: Period) -> str:
    first = date_format(period.first_day, "DATE_FORMAT")
    if period.first_day == period.last_day:
        return first
    return _("%(first)s – %(last)s") % {  # noqa: RUF001 - the en dash of a range
        "first": first,
        "last": date_format(period.last_day, "DATE_FORMAT"),
    }


def bucket_display(day: date, step: str) -> str:
    """A chart bucket: a date, 'Week 7' or a month."""
    if step == "week":
        return _("Week %(number)d") % {"number": day.isocalendar().week}
    if step == "month":
        return date_format(day, "YEAR_MONTH_FORMAT")
    return date_format(day, "SHORT_DATE_FORMAT")


def bucket_tick(day: date, step: str) -> str:
    """A short label under a bar: day of month, week number or month abbreviation."""
    if step == "week":
        return str(day.isocalendar().week)
    if step == "month":
        return date_format(day, "M")
    return str(day.day)
