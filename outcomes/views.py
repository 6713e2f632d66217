"""Staff pages: an answer given by phone, and the unmet-needs list coordinators review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.selectors import get_case_for_user
from config.forms import form_add_service_errors
from config.http import AuthenticatedHttpRequest
from contacts.selectors import staff_access
from outcomes import selectors, services
from outcomes.forms import QuestionnaireForm, UnmetNeedTagForm
from outcomes.models import CheckIn, UnmetNeed


@login_required
@require_http_methods(["GET", "POST"])
def phone_answer(request: AuthenticatedHttpRequest, pk: int, checkin_pk: int) -> HttpResponse:
    case = get_case_for_user(user=request.user, pk=pk, manage=True)
    checkin = get_object_or_404(CheckIn, pk=checkin_pk, newcomer_id=case.newcomer_id)
    if not selectors.checkin_is_answerable(checkin, today=timezone.localdate()):
        raise Http404
    shape = selectors.household_shape(newcomer=case.newcomer)
    form = QuestionnaireForm(request.POST or None, **shape)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_answer_record(
                checkin=checkin, answers=form.answers(), actor=request.user
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The answer given by phone is recorded."))
            return redirect("cases:detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    context = {"case": case, "checkin": checkin, "form": form}
    return render(request, "outcomes/phone_answer.html", context, status=status)


def _coordinator(request: AuthenticatedHttpRequest) -> None:
    """The unmet-needs list is the region's picture: coordinators and administrators."""
    if not staff_access(request.user).sees_all:
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def needs_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _coordinator(request)
    show = request.GET.get("show", "new")
    needs = selectors.unmet_needs(reviewed=None if show == "all" else False)
    page = Paginator(needs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "show": show, "tags": UnmetNeed.Tag.choices}
    return render(request, "outcomes/needs_list.html", context)


@login_required
@require_POST
def need_tag(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    need = get_object_or_404(UnmetNeed, pk=pk)
    form = UnmetNeedTagForm(request.POST)
    if form.is_valid():
        services.unmet_need_tag(need=need, tag=form.cleaned_data["tag"], actor=request.user)
        messages.success(request, _("The need is tagged."))
    else:
        messages.error(request, _("Choose a tag."))
    return redirect("outcomes:needs")
