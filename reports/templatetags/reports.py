"""Display filters for the dashboard; the same wording as the CSV files and the PDF."""

from datetime import timedelta

from django import template

from reports.formats import change_display, duration_display, percent_display

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    return duration_display(value)


@register.simple_tag
def change(current: int, previous: int | None) -> str:
    return change_display(current, previous)


@register.filter
def percent(value: float | None) -> str:
    return percent_display(value)
