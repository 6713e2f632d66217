"""What the portal adds to the case page (cases.registries): the state of the newcomer's
personal link, with "send a new link" and "revoke", for those who manage the case."""

from typing import Any

from django.http import HttpRequest

from cases.models import Case
from contacts.selectors import newcomer_links_working


def link_part_context(request: HttpRequest, case: Case, can_manage: bool) -> dict[str, Any]:
    if not can_manage:
        return {"newcomer_link": None, "pending_link": None}
    active, pending = newcomer_links_working(newcomer=case.newcomer)
    return {"newcomer_link": active, "pending_link": pending}
