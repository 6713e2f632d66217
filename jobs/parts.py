"""What jobs adds to the case page (cases.registries): the open recruitment needs that fit
the newcomer or their partner, with "Suggest to the employer" for those who manage the
case."""

from typing import Any

from django.http import HttpRequest

from cases.models import Case
from contacts.selectors import staff_access
from jobs.matching import needs_for_case
from jobs.selectors import need_can_suggest


def needs_part_context(request: HttpRequest, case: Case, can_manage: bool) -> dict[str, Any]:
    fits = needs_for_case(case=case, user=request.user)
    return {
        "job_fits": fits,
        # jobs.selectors.need_can_suggest, per need (no query: staff_access is read once).
        "job_suggestible": {
            fit.need.pk
            for fit in fits
            if need_can_suggest(user=request.user, need=fit.need, case=case)
        },
        "job_can_open": staff_access(request.user).sees_all,
    }
