"""What outcomes adds to the case page (cases.registries): the newcomer's check-ins, their
answers, and "record an answer given by phone" for those who manage the case."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from cases.models import Case
from outcomes.selectors import checkin_is_answerable, checkins_for_case


def checkins_part_context(request: HttpRequest, case: Case, can_manage: bool) -> dict[str, Any]:
    today = timezone.localdate()
    checkins = checkins_for_case(case=case)
    return {
        "checkins": [(c, can_manage and checkin_is_answerable(c, today=today)) for c in checkins],
    }
