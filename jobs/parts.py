"""What jobs adds to the case page (cases.registries): the open recruitment needs that fit
the newcomer or their partner, with "Suggest to the employer" for those who manage the
case."""

from typing import Any

from django.http import HttpRequest

from cases.models import Case
from contacts.selectors import staff_access
from jobs.matching import needs_for_case


def needs_part_context(request: HttpRequest, case: Case, can_manage: bool) -> dict[str, Any]:
    # Suggesting goes through the need's page rules: coordinators, who see every need.
    sees_all = staff_access(request.user).sees_all
    return {
        "job_fits": needs_for_case(case=case, user=request.user),
        "job_can_suggest": can_manage and sees_all,
        "job_can_open": sees_all,
    }
