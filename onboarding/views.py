"""Onboarding plans and welcome packs on a case. Thin: access helper, form, service."""

from collections.abc import Callable, Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.selectors import get_case_for_user
from cases.services import case_access_log
from config.forms import error_messages
from config.http import AuthenticatedHttpRequest
from onboarding import assignment, selectors, services
from onboarding.forms import (
    MoveDateForm,
    PlanStartForm,
    StepAddForm,
    StepReassignForm,
    StepSkipForm,
)
from onboarding.models import PlanStep
from onboarding.pdf import render_welcome_pack

# Target groups that usually move from abroad: the start form's first guess, staff correct it.
FROM_ABROAD_GROUPS = {"eu_worker", "non_eu_worker", "refugee", "partner"}


def _errors_to_messages(request: HttpRequest, errors: ErrorDict | Mapping[str, list[str]]) -> None:
    for field_errors in errors.values():
        for error in error_messages(field_errors):
            messages.error(request, error)


def _submit(
    request: HttpRequest, form_class: type, action: Callable[..., object], success: str
) -> None:
    """Validates the posted form and calls the service with its data; errors of either
    become messages on the case page, which every action redirects back to."""
    form = form_class(request.POST)
    if form.is_valid():
        _run(request, lambda: action(**form.cleaned_data), success)
    else:
        _errors_to_messages(request, form.errors)


def _run(request: HttpRequest, action: Callable[[], object], success: str) -> None:
    try:
        action()
    except ValidationError as exc:
        _errors_to_messages(request, exc.message_dict)
    else:
        messages.success(request, success)


@login_required
@require_http_methods(["GET", "POST"])
def plan_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(user=request.user, pk=pk, manage=True)
    if selectors.plan_for_case(case=case) is not None:
        return redirect("cases:detail", pk=case.pk)
    newcomer = case.newcomer
    suggested = services.template_suggest(newcomer=newcomer)
    form = PlanStartForm(
        request.POST or None,
        initial={
            "template": suggested,
            "move_date": newcomer.moved_at or newcomer.planned_move_date,
            "from_abroad": newcomer.target_group in FROM_ABROAD_GROUPS,
            "eu_eea": newcomer.target_group == "eu_worker"
            or newcomer.citizenship in ("eu_eea", "nordic"),
            "nordic": newcomer.citizenship == "nordic",
            "long_stay": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_start(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The onboarding plan is started."))
            return redirect("cases:detail", pk=case.pk)
    household = selectors.household_of(newcomer)
    return render(
        request,
        "onboarding/plan_form.html",
        {"case": case, "form": form, "household": household, "suggested": suggested},
    )


@login_required
@require_POST
def plan_move_date(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(user=request.user, pk=pk, manage=True)
    plan = get_object_or_404(selectors.plan_for_case_queryset(), case=case)
    form = MoveDateForm(request.POST)
    if form.is_valid():
        moved = services.plan_reschedule(
            plan=plan, move_date=form.cleaned_data["move_date"], actor=request.user
        )
        messages.success(
            request,
            ngettext(
                "Move date changed; %(n)s open step moved.",
                "Move date changed; %(n)s open steps moved.",
                moved,
            )
            % {"n": moved},
        )
    else:
        _errors_to_messages(request, form.errors)
    return redirect("cases:detail", pk=case.pk)


def _step(request: HttpRequest, pk: int, step_pk: int, *, manage: bool) -> PlanStep:
    case = get_case_for_user(user=request.user, pk=pk, manage=manage)
    return get_object_or_404(
        PlanStep.objects.select_related("plan__case", "depends_on"), pk=step_pk, plan__case=case
    )


@login_required
@require_POST
def step_done(request: AuthenticatedHttpRequest, pk: int, step_pk: int) -> HttpResponse:
    step = _step(request, pk, step_pk, manage=False)
    if not selectors.step_can_complete(user=request.user, step=step):
        raise PermissionDenied
    _run(request, lambda: services.step_complete(step=step, actor=request.user), _("Step done."))
    return redirect("cases:detail", pk=pk)


@login_required
@require_POST
def step_skip(request: AuthenticatedHttpRequest, pk: int, step_pk: int) -> HttpResponse:
    step = _step(request, pk, step_pk, manage=True)
    _submit(
        request,
        StepSkipForm,
        lambda **data: services.step_skip(step=step, actor=request.user, **data),
        _("Step skipped."),
    )
    return redirect("cases:detail", pk=pk)


@login_required
@require_POST
def step_reopen(request: AuthenticatedHttpRequest, pk: int, step_pk: int) -> HttpResponse:
    step = _step(request, pk, step_pk, manage=True)
    services.step_reopen(step=step, actor=request.user)
    messages.success(request, _("Step reopened."))
    return redirect("cases:detail", pk=pk)


@login_required
@require_POST
def step_reassign(request: AuthenticatedHttpRequest, pk: int, step_pk: int) -> HttpResponse:
    step = _step(request, pk, step_pk, manage=True)
    _submit(
        request,
        StepReassignForm,
        lambda **data: assignment.step_reassign(step=step, actor=request.user, **data),
        _("Step reassigned."),
    )
    return redirect("cases:detail", pk=pk)


@login_required
@require_POST
def step_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(user=request.user, pk=pk, manage=True)
    plan = get_object_or_404(selectors.plan_for_case_queryset(), case=case)
    _submit(
        request,
        StepAddForm,
        lambda **data: services.step_add(plan=plan, actor=request.user, **data),
        _("Step added."),
    )
    return redirect("cases:detail", pk=pk)


@login_required
@require_GET
def welcome_pack_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(user=request.user, pk=pk)
    language = request.GET.get("language") or case.newcomer.preferred_language
    content = render_welcome_pack(case=case, language=language)
    case_access_log(user=request.user, action="pdf", case=case)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="welcome-pack-{case.reference}.pdf"'
    return response


@login_required
@require_POST
def welcome_pack_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(user=request.user, pk=pk, manage=True)
    _run(
        request,
        lambda: services.welcome_pack_request(case=case, actor=request.user),
        _("The welcome pack is on its way to the newcomer."),
    )
    return redirect("cases:detail", pk=pk)
