"""The coordinators' import screens: upload, choose the columns, dry run, run."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.selectors import get_case_for_user
from config.http import AuthenticatedHttpRequest
from contacts.selectors import staff_access
from imports import uploads
from imports.fields import mapping_guess
from imports.forms import ConsentConfirmForm, MappingForm, UploadForm, import_fields
from imports.reading import ENCODING_LABELS, FileProblem
from imports.services import consent_confirm_imported, import_file_run


def _require_coordinator(request: AuthenticatedHttpRequest) -> None:
    if not staff_access(request.user).sees_all:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _upload(request, what="newcomers", template="imports/import_upload.html")


@login_required
@require_http_methods(["GET", "POST"])
def import_offers_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The same flow for local offers and events (imports/offers.py)."""
    return _upload(request, what="offers", template="imports/import_offers_upload.html")


def _upload(request: AuthenticatedHttpRequest, *, what: str, template: str) -> HttpResponse:
    _require_coordinator(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            uploads.upload_store(request, form.cleaned_data["file"], what=what)
        except FileProblem as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("imports:mapping")
    return render(request, template, {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request)
    state = uploads.upload_state(request)
    if state is None:
        return redirect("imports:upload")
    what = state.get("what", "newcomers")
    fields = import_fields(what)
    form = MappingForm(
        request.POST or None,
        headers=state["headers"],
        what=what,
        initial=state.get("mapping") or mapping_guess(state["headers"], fields),
    )
    if request.method == "POST" and form.is_valid():
        request.session[uploads.SESSION_KEY] = {**state, "mapping": form.mapping()}
        return redirect("imports:preview")
    encoding = ENCODING_LABELS.get(state["encoding"]) if state["encoding"] else None
    context = {"form": form, "state": state, "encoding": encoding, "fields": fields}
    return render(request, "imports/import_mapping.html", context)


@login_required
@require_http_methods(["GET"])
def import_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request)
    state = uploads.upload_state(request)
    if state is None or "mapping" not in state:
        return redirect("imports:upload")
    report = import_file_run(
        open_file=uploads.upload_opener(state),
        kind=state["kind"],
        encoding=state["encoding"],
        mapping=state["mapping"],
        actor=request.user,
        dry_run=True,
        what=state.get("what", "newcomers"),
    )
    return render(request, "imports/import_report.html", {"report": report.as_dict()})


@login_required
@require_POST
def import_run(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request)
    state = uploads.upload_state(request)
    if state is None or "mapping" not in state:
        messages.error(request, _("The file is no longer here; upload it again."))
        return redirect("imports:upload")
    report = import_file_run(
        open_file=uploads.upload_opener(state),
        kind=state["kind"],
        encoding=state["encoding"],
        mapping=state["mapping"],
        actor=request.user,
        dry_run=False,
        what=state.get("what", "newcomers"),
    )
    uploads.upload_forget(request)
    request.session[uploads.REPORT_KEY] = report.as_dict()
    return redirect("imports:done")


@login_required
@require_http_methods(["GET"])
def import_done(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request)
    report = request.session.get(uploads.REPORT_KEY)
    if report is None:
        return redirect("imports:upload")
    return render(request, "imports/import_report.html", {"report": report})


@login_required
@require_POST
def import_cancel(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request)
    uploads.upload_forget(request)
    messages.success(request, _("The import was cancelled and the file deleted."))
    return redirect("imports:upload")


@login_required
@require_POST
def consent_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(user=request.user, pk=pk, manage=True)
    form = ConsentConfirmForm(request.POST)
    if form.is_valid():
        try:
            consent_confirm_imported(
                newcomer=case.newcomer, scopes=form.cleaned_data["scopes"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The consent is confirmed."))
    return redirect("cases:detail", pk=case.pk)
