"""The composer on the case page, attachment downloads, and the coordinators' reply
templates. Thin: access helper, form, service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.history import history_for
from cases.page import case_page_render
from cases.selectors import get_case_for_user
from cases.services import case_access_log, newcomer_verify
from config.forms import form_add_service_errors
from config.http import AuthenticatedHttpRequest
from contacts.selectors import staff_access
from conversations import selectors, services
from conversations.forms import MessageForm, ReplyTemplateForm
from conversations.models import ReplyTemplate
from conversations.parts import composer_context


@login_required
@require_POST
def message_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(user=request.user, pk=pk, manage=True)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_send(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The message is on its way to the newcomer."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#timeline-heading")
    return case_page_render(
        request, case, status=400, **composer_context(request, case, can_manage=True, form=form)
    )


@login_required
@require_POST
def newcomer_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(user=request.user, pk=pk, manage=True)
    newcomer_verify(newcomer=case.newcomer, actor=request.user)
    messages.success(request, _("The person is confirmed."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_GET
def attachment_download(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> FileResponse:
    case = get_case_for_user(user=request.user, pk=pk)
    attachment = selectors.get_attachment_for_case(case=case, pk=attachment_pk)
    try:
        handle = default_storage.open(attachment.path, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    case_access_log(user=request.user, action="open", case=case)
    # Always a download, never shown inline: the file came from outside, and its type is
    # what the sender's mail said. nosniff stops a browser guessing a runnable type.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.mimetype or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Reply templates: kept by coordinators and administrators, used by every member ----


@login_required
@require_GET
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not staff_access(request.user).sees_all:
        raise PermissionDenied
    templates = selectors.reply_template_list()
    return render(request, "conversations/template_list.html", {"templates": templates})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    if not staff_access(request.user).sees_all:
        raise PermissionDenied
    template = get_object_or_404(ReplyTemplate, pk=pk) if pk is not None else None
    initial = (
        {f: getattr(template, f) for f in ("name", "language", "body", "is_active")}
        if template
        else None
    )
    form = ReplyTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_template_save(template=template, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The reply template is saved."))
            return redirect("conversations:template-list")
    history = history_for(template) if template else []
    return render(
        request,
        "conversations/template_form.html",
        {"form": form, "template": template, "history": history},
    )
