"""What the portal adds to the case page (cases.registries): the state of the newcomer's
personal link, with "send a new link" and "revoke", for those who manage the case."""

from typing import Any

from django.http import HttpRequest

from cases.models import Case
from contacts.selectors import newcomer_link_active


def link_part_context(request: HttpRequest, case: Case, can_manage: bool) -> dict[str, Any]:
    return {"newcomer_link": newcomer_link_active(newcomer=case.newcomer) if can_manage else None}
