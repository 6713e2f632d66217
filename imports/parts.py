"""What the import adds to the case page (cases.registries): a visible "consent to be
confirmed" note on an imported newcomer's case, with the form that confirms it."""

from typing import Any

from django.http import HttpRequest

from cases.models import Case
from imports.forms import ConsentConfirmForm


def consent_part_context(request: HttpRequest, case: Case, can_manage: bool) -> dict[str, Any]:
    if case.newcomer.consent_to_confirm_since is None:
        return {"consent_confirm_form": None}
    return {"consent_confirm_form": ConsentConfirmForm() if can_manage else None,
            "consent_to_confirm": True}  # fmt: skip
