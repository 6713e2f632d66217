"""The case page, assembled from the case's own sections and the parts the apps above
cases add (cases.registries). Views of any app that re-render the case page (a form with
errors) call `case_page_render`; no app imports another's views."""

from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cases import selectors
from cases.forms import CaseHandleForm, FollowUpForm, NoteForm, ShareForm, staff_pickers_for
from cases.models import Case
from cases.registries import case_page_decorators, case_page_parts_by_slot
from cases.timeline import timeline_entries
from contacts.selectors import StaffChoices, staff_choices
from outbox.selectors import email_list_for_case


def case_page_context(request: HttpRequest, case: Case, **given: Any) -> dict[str, Any]:
    """Everything the case page shows, in a fixed number of queries. `given` replaces
    values the page would make (a bound form with its errors, a part's context)."""
    can_manage = selectors.case_can_manage(user=request.user, case=case)
    # Every people picker of the page (owner, follow-up, the plan's steps) reads the staff
    # from this one list, read when the first is drawn.
    staff = cast(StaffChoices, SimpleLazyObject(lambda: staff_choices(current=request.user)))
    context: dict[str, Any] = {
        "case": case,
        "newcomer": case.newcomer,
        "household": list(case.newcomer.household.select_related("occupation_code")),
        "consents": list(case.newcomer.consents.filter(withdrawn_at=None)),
        "topics": list(case.topics.all()),
        "shared": list(selectors.case_shared_organisations(case=case)),
        "followups": list(selectors.followup_list_for_case(case=case)),
        "timeline": timeline_entries(
            list(selectors.case_timeline_visible(user=request.user, case=case))
        ),
        "emails": list(email_list_for_case(case_id=case.pk)),
        "can_manage": can_manage,
        "today": timezone.localdate(),
        # A closed case's open work rests: no "Overdue" on it, and a notice says why.
        "work_rests": selectors.case_work_rests(case=case),
        "can_take": selectors.case_can_take(user=request.user, case=case),
        "handle_form": CaseHandleForm.for_case(case, request.user),
        "share_form": ShareForm(case=case),
        "note_form": NoteForm(),
        "followup_form": FollowUpForm(initial={"assignee": request.user.pk}),
        "staff_choices": staff,
    }
    parts = case_page_parts_by_slot()
    for slot_parts in parts.values():
        for part in slot_parts:
            context.update(part.context(request, case, can_manage))
    context["parts"] = parts
    context.update(given)
    # The page's forms and those given back with their errors alike: the user first.
    for value in context.values():
        if isinstance(value, forms.Form):
            staff_pickers_for(value, request.user, staff)
    for decorate in case_page_decorators:
        decorate(context)
    return context


def case_page_render(
    request: HttpRequest, case: Case, *, status: int = 200, **given: Any
) -> HttpResponse:
    return render(
        request, "cases/case_detail.html", case_page_context(request, case, **given), status=status
    )
