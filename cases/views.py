"""Public intake and the staff case screens. Thin: fetch through the access helpers, bind
the form, call a service, redirect."""

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from cases import handling, selectors, services
from cases.filters import CaseFilter, case_filter_people
from cases.forms import (
    CaseHandleForm,
    FollowUpForm,
    IntakeForm,
    NoteForm,
    OrganisationForm,
    OwnerForm,
    PriorityForm,
    ShareForm,
    StaffEnquiryForm,
    StatusForm,
    staff_pickers_for,
)
from cases.list_forms import BulkForm, SavedViewForm
from cases.models import Case, FollowUp
from cases.page import case_page_render
from cases.registries import case_list_columns, my_work_parts
from cases.saved_views import saved_view_active, saved_view_query, saved_views_for_user
from cases.unread import case_mark_read, unread_count
from config.forms import form_add_service_errors
from config.http import AuthenticatedHttpRequest
from config.pagination import SECTION_COUNT_CAP, CappedPaginator, count_at_most
from contacts.forms import HouseholdMemberOccupationForm, NewcomerForm
from contacts.models import Consent, HouseholdMember
from contacts.selectors import staff_access, staff_choices
from contacts.services import newcomer_access_log

PAGE_SIZE = 25
TRIAGE_SHOWN = 10
MINE_SHOWN = 30


def _intake_rate(group: str, request: HttpRequest) -> str:
    return settings.INTAKE_RATE_LIMIT


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_intake_rate, method="POST", block=True)
def intake(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST or None, initial={"preferred_language": get_language()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("consent")
        data.pop("website")
        case = services.intake_submit(**data)
        request.session["intake_reference"] = case.reference
        return redirect("intake:received")
    return render(request, "cases/intake_form.html", {"form": form})


@require_GET
def intake_received(request: HttpRequest) -> HttpResponse:
    reference = request.session.get("intake_reference")
    if not reference:
        return redirect("intake:form")
    return render(request, "cases/intake_received.html", {"reference": reference})


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "429.html", status=429)


@login_required
@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # Filters on every case, then the rule of who may see what, in the form that reads
    # fastest for this person (paging.case_list_pages).
    case_filter = CaseFilter(request.GET or None, queryset=Case.objects.all(), request=request)
    listed = case_filter.list_pages(user=request.user)
    chosen = getattr(case_filter.form, "cleaned_data", {})
    # Only someone who sees every case gets an estimate (config.pagination.CappedPaginator).
    estimates = staff_access(request.user).sees_all
    # A search's matches are read newcomer by newcomer: counted apart, not ordered by key.
    searching = bool(chosen.get("q"))
    paginator = CappedPaginator(
        listed.cases,
        PAGE_SIZE,
        estimates=estimates,
        keys_first=not searching,
        first_rows=listed.newest,
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filters = saved_view_query(request.GET)
    views = list(saved_views_for_user(user=request.user))
    # One read of the people for the owner filter and the bulk form's new owner.
    staff = staff_choices(current=request.user)
    case_filter_people(case_filter, staff)
    bulk_form = BulkForm()
    staff_pickers_for(bulk_form, request.user, staff)
    return render(
        request,
        "cases/case_list.html",
        {
            "filter": case_filter,
            "form": case_filter.form,
            "filter_data": chosen,
            "filter_errors": bool(case_filter.errors),
            "page": page,
            # Read here, once: the template only loops over rows already fetched.
            "rows": selectors.case_rows_of_page(
                user=request.user, today=today, page=cast(QuerySet[Case], page.object_list)
            ),
            "query": query.urlencode(),
            "today": today,
            "columns": list(case_list_columns),
            # Saved views as tabs, the one matching these filters current; the forms
            # to save these filters and to act on the checked cases.
            "views": views,
            "active_view": saved_view_active(views, query=filters),
            "filters": filters,
            "save_form": SavedViewForm(
                initial={"query": saved_view_query(request.GET, keep_search=False)}
            ),
            "bulk_form": bulk_form,
        },
        using="jinja2",
    )


@login_required
@require_GET
def case_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    triage = selectors.case_triage_queue(user=request.user)
    followups = selectors.my_followups_for_screen(user=request.user)
    # Each list shows the most pressing rows and a count, so the page stays the same size
    # however much work someone has (the full lists are a filter on the case list away).
    # The apps above cases add their sections (cases.registries.my_work_parts).
    parts = []
    for part in sorted(my_work_parts, key=lambda p: p.order):
        part_context = part.context(request, today)
        if part_context is not None:
            parts.append((part.template, {**part_context, "slot": part.slot}))
    return render(
        request,
        "cases/case_mine.html",
        {
            "triage": selectors.case_rows_of_page(
                user=request.user, today=today, page=triage[:TRIAGE_SHOWN]
            ),
            "triage_count": count_at_most(triage, SECTION_COUNT_CAP),
            "followups": list(followups[:MINE_SHOWN]),
            "followups_count": count_at_most(followups, SECTION_COUNT_CAP),
            "count_cap": SECTION_COUNT_CAP,
            "cases": list(
                selectors.my_cases_open_first(user=request.user, today=today, limit=MINE_SHOWN)
            ),
            "cases_count": count_at_most(
                selectors.my_cases_open(user=request.user), SECTION_COUNT_CAP
            ),
            "unread_count": unread_count(user=request.user),
            "columns": list(case_list_columns),
            "today": today,
            "parts": parts,
        },
        using="jinja2",
    )


@login_required
@require_GET
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(user=request.user, pk=pk)
    services.case_access_log(user=request.user, action="open", case=case)
    case_mark_read(case=case, user=request.user)
    return case_page_render(request, case)


def _case_action(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type,
    form_name: str,
    apply: Callable[[Case, dict[str, Any]], object],
    success: str,
    manage: bool = True,
) -> HttpResponse:
    """The shape every case action shares: fetch with the access helper, validate, call the
    service, and either redirect with a message or re-render the page with the errors."""
    case = selectors.get_case_for_user(user=request.user, pk=pk, manage=manage)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            apply(case, form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("cases:detail", pk=case.pk)
    return case_page_render(request, case, status=400, **{form_name: form})


@login_required
@require_POST
def case_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_class=OwnerForm,
        form_name="owner_form",
        apply=lambda case, d: services.case_assign_owner(
            case=case, owner=d["owner"], actor=request.user
        ),
        success=_("Owner updated."),
    )


@login_required
@require_POST
def case_set_organisation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_class=OrganisationForm,
        form_name="organisation_form",
        apply=lambda case, d: services.case_set_organisation(
            case=case, organisation=d["organisation"], actor=request.user
        ),
        success=_("Responsible organisation updated."),
    )


def _case_action_prg(
    request: AuthenticatedHttpRequest,
    case: Case,
    form: Any,
    apply: Callable[[dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """Post/redirect/get for the case page's side forms: the service's answer, success or
    refusal, is shown once as a message after the redirect, so a reload posts nothing."""
    if form.is_valid():
        try:
            apply(form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, success)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_share(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
    return _case_action_prg(
        request,
        case,
        ShareForm(request.POST),
        lambda d: services.case_share(
            case=case, organisation=d["organisation"], actor=request.user
        ),
        _("The case is shared."),
    )


@login_required
@require_POST
def case_unshare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
    return _case_action_prg(
        request,
        case,
        ShareForm(request.POST),
        lambda d: services.case_unshare(
            case=case, organisation=d["organisation"], actor=request.user
        ),
        _("The case is no longer shared with that organisation."),
    )


@login_required
@require_POST
def case_handle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The "Handle the case" form: status, owner, organisation and priority at once."""
    case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
    return _case_action_prg(
        request,
        case,
        CaseHandleForm(request.POST),
        lambda d: handling.case_handle(case=case, actor=request.user, **d),
        _("The case is updated."),
    )


@login_required
@require_POST
def case_take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Take this case": one click makes the user the owner (cases.handling.case_take)."""
    case = selectors.get_case_for_user(user=request.user, pk=pk)
    if (
        not selectors.case_can_take(user=request.user, case=case)
        and case.owner_id != request.user.pk
    ):
        raise PermissionDenied
    try:
        handling.case_take(case=case, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("You own the case %(reference)s now.") % {"reference": case.reference}
        )
    if request.POST.get("next") == "mine":
        return redirect("cases:mine")
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_change_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_class=StatusForm,
        form_name="status_form",
        apply=lambda case, d: services.case_change_status(
            case=case, status=d["status"], closing_reason=d["closing_reason"], actor=request.user
        ),
        success=_("Status updated."),
    )


@login_required
@require_POST
def case_set_priority(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_class=PriorityForm,
        form_name="priority_form",
        apply=lambda case, d: services.case_set_priority(
            case=case, priority=d["priority"], actor=request.user
        ),
        success=_("Priority updated."),
    )


@login_required
@require_POST
def note_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_class=NoteForm,
        form_name="note_form",
        manage=False,
        apply=lambda case, d: services.note_add(
            case=case, body=d["body"], visibility=d["visibility"], actor=request.user
        ),
        success=_("Note added."),
    )


@login_required
@require_POST
def followup_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        form_class=FollowUpForm,
        form_name="followup_form",
        apply=lambda case, d: services.followup_add(case=case, actor=request.user, **d),
        success=_("Follow-up added."),
    )


@login_required
@require_POST
def followup_complete(request: AuthenticatedHttpRequest, pk: int, followup_pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(user=request.user, pk=pk)
    followup = get_object_or_404(FollowUp.objects.select_related("case"), pk=followup_pk, case=case)
    if not selectors.followup_can_complete(user=request.user, followup=followup):
        raise PermissionDenied
    services.followup_complete(followup=followup, actor=request.user)
    messages.success(request, _("Follow-up marked as done."))
    still_visible = selectors.case_list_visible(user=request.user).filter(pk=case.pk).exists()
    if request.POST.get("next") == "mine" or not still_visible:
        return redirect("cases:mine")
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def consent_withdraw(request: AuthenticatedHttpRequest, pk: int, scope: str) -> HttpResponse:
    case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
    if scope not in Consent.Scope.values:
        raise Http404
    services.consent_withdraw(newcomer=case.newcomer, scope=scope, actor=request.user)
    messages.success(request, _("The consent is withdrawn and sharing based on it removed."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def newcomer_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
    form = NewcomerForm(request.POST or None, instance=case.newcomer)
    if request.method == "GET":
        newcomer_access_log(user=request.user, action="open", newcomer=case.newcomer)
    if request.method == "POST" and form.is_valid():
        services.case_newcomer_update(case=case, changes=form.cleaned_data, actor=request.user)
        messages.success(request, _("The newcomer's details are saved."))
        return redirect("cases:detail", pk=case.pk)
    return render(request, "contacts/newcomer_form.html", {"form": form, "case": case})


@login_required
@require_http_methods(["GET", "POST"])
def household_member_edit(
    request: AuthenticatedHttpRequest, pk: int, member_pk: int
) -> HttpResponse:
    """An adult's occupation (partner or other adult; children have none to code)."""
    case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
    member = get_object_or_404(
        case.newcomer.household.exclude(relation=HouseholdMember.Relation.CHILD), pk=member_pk
    )
    form = HouseholdMemberOccupationForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        services.case_household_member_update(
            case=case, member=member, changes=form.cleaned_data, actor=request.user
        )
        messages.success(request, _("The household member's occupation is saved."))
        return redirect("cases:detail", pk=case.pk)
    context = {"form": form, "case": case, "member": member}
    return render(request, "contacts/household_member_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not staff_access(request.user).is_staff_member:
        raise PermissionDenied
    form = StaffEnquiryForm(request.POST or None, initial={"preferred_language": "nb"})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("consent")
        case = services.intake_submit(**data, actor=request.user)
        messages.success(
            request, _("Enquiry %(reference)s recorded.") % {"reference": case.reference}
        )
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_create.html", {"form": form})
