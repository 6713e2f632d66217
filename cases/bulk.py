"""Bulk actions on the case list: one action (assign, change status, share) on several
cases. Each case is fetched through the one access helper and changed by the same service
as on its own page, in a transaction of its own, so one refusal stops nothing else; the
outcome lists what was done and what was refused, and why."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from cases import services
from cases.models import Case
from cases.selectors import case_can_manage, get_case_for_user

# At most this many cases per action: four pages of the list.
BULK_MAX = 100


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _reason(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not change this case.")


def case_bulk_apply(
    *,
    actor: AuthUser,
    case_ids: list[int],
    action: str,
    owner: AuthUser | None = None,
    status: str = "",
    closing_reason: str = "",
    organisation: Any = None,
) -> BulkOutcome:
    """Applies `action` ("assign", "status" or "share") to each case the actor may
    manage. Not one transaction: each case commits or fails alone (a refusal names the
    case and the service's reason)."""
    apply: dict[str, Callable[[Case], object]] = {
        "assign": lambda case: services.case_assign_owner(case=case, owner=owner, actor=actor),
        "status": lambda case: services.case_change_status(
            case=case, status=status, closing_reason=closing_reason, actor=actor
        ),
        "share": lambda case: services.case_share(
            case=case, organisation=organisation, actor=actor
        ),
    }
    outcome = BulkOutcome()
    for pk in list(dict.fromkeys(case_ids))[:BULK_MAX]:
        try:
            case = get_case_for_user(user=actor, pk=pk)
        except Http404:
            # Not visible to the actor: its reference is not theirs to learn either.
            outcome.refused.append((f"#{pk}", _("This case could not be found.")))
            continue
        if not case_can_manage(user=actor, case=case):
            outcome.refused.append((case.reference, _("You may not change this case.")))
            continue
        try:
            with transaction.atomic():
                apply[action](case)
        except (ValidationError, PermissionDenied) as exc:
            outcome.refused.append((case.reference, _reason(exc)))
        else:
            outcome.done.append(case.reference)
    return outcome
