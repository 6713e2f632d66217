"""Staff pages: the recruitment needs, a need with the people who fit it, and the forms
to record, edit and close needs and to suggest a case to the employer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.history import history_for
from cases.selectors import get_case_for_user
from config.forms import form_add_service_errors
from config.http import AuthenticatedHttpRequest
from jobs import matching, selectors, services
from jobs.filters import NeedFilter
from jobs.forms import NeedCloseForm, NeedForm, OutcomeForm, SuggestForm
from jobs.models import NeedSuggestion


def _may_record(request: AuthenticatedHttpRequest) -> None:
    """The needs screens are for coordinators and members of employers."""
    if not selectors.need_can_record(user=request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def need_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_record(request)
    filters = NeedFilter(
        request.GET or None, queryset=selectors.need_list_visible(user=request.user)
    )
    page = Paginator(filters.qs, 50).get_page(request.GET.get("page"))
    return render(request, "jobs/need_list.html", {"filters": filters, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _may_record(request)
    form = NeedForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_create(**form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The need is recorded."))
            return redirect("jobs:detail", pk=need.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "jobs/need_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    need = selectors.get_need_for_user(user=request.user, pk=pk)
    form = NeedForm(
        request.POST or None, user=request.user, editing=True, initial=NeedForm.initial_for(need)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(need=need, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The need is saved."))
            return redirect("jobs:detail", pk=need.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "jobs/need_form.html", {"form": form, "need": need}, status=status)


@login_required
@require_http_methods(["GET"])
def need_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    need = selectors.get_need_for_user(user=request.user, pk=pk)
    candidates = matching.candidates_for_need(need=need, user=request.user)
    context = {
        "need": need,
        "candidates": candidates,
        # jobs.selectors.need_can_suggest: the one rule, for each case the reader sees.
        "suggestible": {
            c.case.pk
            for c in candidates
            if c.visible and selectors.need_can_suggest(user=request.user, need=need, case=c.case)
        },
        "limit": matching.CANDIDATE_LIMIT,
        "suggestions": selectors.suggestions_for_need(need=need, user=request.user),
        "close_form": NeedCloseForm(),
        "history": history_for(need),
    }
    return render(request, "jobs/need_detail.html", context)


@login_required
@require_POST
def need_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    need = selectors.get_need_for_user(user=request.user, pk=pk)
    form = NeedCloseForm(request.POST)
    if form.is_valid():
        services.need_close(need=need, state=form.cleaned_data["state"], actor=request.user)
        messages.success(request, _("The need is closed."))
    else:
        messages.error(request, _("Choose how the need ended."))
    return redirect("jobs:detail", pk=need.pk)


@login_required
@require_POST
def need_suggest(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """From the need's page or the case's: back to where the button was."""
    need = selectors.get_need_for_user(user=request.user, pk=pk)
    form = SuggestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whom to suggest."))
        return redirect("jobs:detail", pk=need.pk)
    case = get_case_for_user(user=request.user, pk=form.cleaned_data["case"], manage=True)
    try:
        services.need_suggest(
            need=need, case=case, person=form.cleaned_data["person"], actor=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The case is shared with %(employer)s and the suggestion recorded.")
            % {"employer": need.employer.name},
        )
    if request.POST.get("back") == "case":
        return redirect("cases:detail", pk=case.pk)
    return redirect("jobs:detail", pk=need.pk)


@login_required
@require_POST
def suggestion_outcome(
    request: AuthenticatedHttpRequest, pk: int, suggestion_pk: int
) -> HttpResponse:
    need = selectors.get_need_for_user(user=request.user, pk=pk)
    suggestion = get_object_or_404(NeedSuggestion, pk=suggestion_pk, need=need)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        services.suggestion_outcome_record(
            suggestion=suggestion, outcome=form.cleaned_data["outcome"], actor=request.user
        )
        messages.success(request, _("The outcome is recorded."))
    else:
        messages.error(request, _("Choose placed or not placed."))
    return redirect("jobs:detail", pk=need.pk)
