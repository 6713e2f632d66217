"""The privacy notice (public) and the coordinators' privacy screens: access log, a
newcomer's export and erasure, and data requests."""

import zipfile
from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AccessLogEntry
from audit.selectors import access_log_for_case, access_log_for_user, access_log_recent
from cases.selectors import get_case_for_user, get_newcomer_for_user
from config.http import AuthenticatedHttpRequest
from contacts.models import Newcomer
from contacts.selectors import staff_access
from contacts.services import CONSENT_TEXT_VERSION, newcomer_access_log
from privacy import selectors, services
from privacy.forms import AccessLogFilter, DataRequestForm, EraseForm
from privacy.models import DataRequest
from privacy.pdf import render_newcomer_export

PAGE_SIZE = 50


def _require_coordinator(request: HttpRequest) -> None:
    if not staff_access(request.user).sees_all:
        raise PermissionDenied


def _newcomer(request: HttpRequest, pk: int) -> Newcomer:
    """A coordinator's newcomer (through the one visibility rule: 404 if no case)."""
    _require_coordinator(request)
    return get_newcomer_for_user(user=request.user, pk=pk)


@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice linked from the intake; its version is the consent text's."""
    contact = settings.PRIVACY_CONTACT_EMAIL or settings.DEFAULT_FROM_EMAIL
    return render(
        request,
        "privacy/notice.html",
        {
            "controller": settings.PRIVACY_CONTROLLER_NAME,
            "contact_email": contact.rsplit("<", 1)[-1].rstrip(">").strip(),
            "version": CONSENT_TEXT_VERSION,
            "retention_months": settings.RETENTION_MONTHS,
        },
    )


@login_required
@require_GET
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Per case (?case=) or per user (?user=); without either, the latest rows."""
    _require_coordinator(request)
    form = AccessLogFilter(request.GET)
    case = subject = None
    rows = access_log_recent()
    if form.is_valid() and form.cleaned_data["case"]:
        case = get_case_for_user(user=request.user, pk=form.cleaned_data["case"])
        rows = access_log_for_case(case_id=case.pk)
    elif form.is_valid() and form.cleaned_data["user"]:
        subject = selectors.staff_user_get(pk=form.cleaned_data["user"])
        rows = access_log_for_user(user_id=form.cleaned_data["user"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "case": case, "subject": subject, "query": query.urlencode()}
    return render(request, "privacy/access_log.html", context)


@never_cache
@login_required
@require_GET
def newcomer_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One page for a newcomer's request: both downloads, erasure and their requests."""
    newcomer = _newcomer(request, pk)
    newcomer_access_log(user=request.user, action=AccessLogEntry.Action.OPEN, newcomer=newcomer)
    requests = DataRequest.objects.filter(newcomer=newcomer).order_by("-received_at")
    return render(
        request,
        "privacy/newcomer.html",
        {
            "newcomer": newcomer,
            "requests": requests,
            "request_form": DataRequestForm(initial={"received_at": timezone.localtime()}),
            "now": timezone.now(),
        },
    )


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_json(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    newcomer = _newcomer(request, pk)
    data = services.newcomer_export(newcomer=newcomer, actor=request.user, action="export")
    return _attachment(
        services.export_json(data), "application/json", f"newcomer-{newcomer.pk}.json"
    )


@login_required
@require_GET
def export_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    newcomer = _newcomer(request, pk)
    data = services.newcomer_export(newcomer=newcomer, actor=request.user, action="pdf")
    return _attachment(
        render_newcomer_export(data=data), "application/pdf", f"newcomer-{newcomer.pk}.pdf"
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirmation, then erasure; the answer is a zip with the export taken just before
    (JSON and PDF), which is not kept anywhere else."""
    newcomer = _newcomer(request, pk)
    form = EraseForm(request.POST or None)
    if newcomer.erased_at is None and request.method == "POST" and form.is_valid():
        data = services.newcomer_erase(
            newcomer=newcomer, actor=request.user, reason=form.cleaned_data["reason"]
        )
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"newcomer-{newcomer.pk}.json", services.export_json(data))
            archive.writestr(f"newcomer-{newcomer.pk}.pdf", render_newcomer_export(data=data))
        return _attachment(
            buffer.getvalue(), "application/zip", f"newcomer-{newcomer.pk}-erased.zip"
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request, "privacy/erase.html", {"newcomer": newcomer, "form": form}, status=status
    )


@login_required
@require_GET
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request)
    page = Paginator(selectors.data_request_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "privacy/request_list.html",
        {
            "page": page,
            "now": now,
            "overdue_count": selectors.data_request_overdue(now=now).count(),
        },
    )


@login_required
@require_POST
def request_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    newcomer = _newcomer(request, pk)
    form = DataRequestForm(request.POST)
    if form.is_valid():
        services.data_request_create(newcomer=newcomer, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The request is recorded."))
    else:
        messages.error(request, _("The request could not be recorded: check the date."))
    return redirect("privacy:newcomer", pk=newcomer.pk)


@login_required
@require_POST
def request_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    data_request = get_object_or_404(DataRequest, pk=pk)
    services.data_request_complete(request=data_request, actor=request.user)
    messages.success(request, _("The request is marked as answered."))
    return redirect("privacy:requests")
