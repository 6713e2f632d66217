"""The case list's saved views and bulk actions. Thin, as cases.views: fetch, bind the
form, call the service, redirect (every POST ends in a redirect, so a reload sends
nothing again)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import saved_views
from cases.bulk import case_bulk_apply
from cases.list_forms import (
    BulkForm,
    SavedViewForm,
    SavedViewRenameForm,
    SavedViewShareForm,
    saved_view_manage_forms,
)
from config.forms import form_add_service_errors
from config.http import AuthenticatedHttpRequest
from contacts.selectors import staff_access

BULK_SESSION_KEY = "cases_bulk_outcome"


def _list_url(query: str) -> str:
    """The case list with these filters; `query` comes back from our own form, and is
    re-encoded so that it can only ever be a query string of the list."""
    return reverse("cases:list") + "?" + saved_views.saved_view_query_from_string(query)


def _form_errors(form: object) -> str:
    errors = getattr(form, "errors", {})
    return " ".join(str(message) for messages_ in errors.values() for message in messages_)


@login_required
@require_POST
def saved_view_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            view = saved_views.saved_view_create(
                owner=request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
            return redirect(_list_url(view.query))
    messages.error(
        request, _("The view was not saved: %(errors)s") % {"errors": _form_errors(form)}
    )
    return redirect(_list_url(request.POST.get("query", "")))


@login_required
@require_GET
def saved_view_manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    views = list(
        saved_views.saved_views_for_user(user=request.user)
        .filter(owner=request.user)
        .select_related("organisation")
    )
    return render(
        request,
        "cases/savedview_manage.html",
        {
            "views": saved_view_manage_forms(views),
            "can_share": staff_access(request.user).sees_all,
        },
    )


@login_required
@require_POST
def saved_view_rename(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    view = saved_views.get_saved_view_for_owner(user=request.user, pk=pk)
    form = SavedViewRenameForm(request.POST)
    if form.is_valid():
        try:
            saved_views.saved_view_rename(
                view=view, name=form.cleaned_data["name"], actor=request.user
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The view is renamed."))
            return redirect("cases:views")
    messages.error(request, _form_errors(form))
    return redirect("cases:views")


@login_required
@require_POST
def saved_view_share(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    view = saved_views.get_saved_view_for_owner(user=request.user, pk=pk)
    form = SavedViewShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("cases:views")
    try:
        saved_views.saved_view_share(
            view=view, organisation=form.cleaned_data["organisation"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Who sees the view is saved."))
    return redirect("cases:views")


@login_required
@require_POST
def saved_view_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    view = saved_views.get_saved_view_for_owner(user=request.user, pk=pk)
    saved_views.saved_view_delete(view=view, actor=request.user)
    messages.success(request, _("The view “%(name)s” is deleted.") % {"name": view.name})
    return redirect("cases:views")


@login_required
@require_POST
def case_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    back = request.POST.get("back", "")
    if not form.is_valid():
        messages.error(
            request, _("Nothing was changed: %(errors)s") % {"errors": _form_errors(form)}
        )
        return redirect(_list_url(back))
    data = form.cleaned_data
    outcome = case_bulk_apply(
        actor=request.user,
        case_ids=data["case_ids"],
        action=data["action"],
        owner=data["owner"],
        status=data["status"],
        closing_reason=data["closing_reason"],
        organisation=data["organisation"],
    )
    request.session[BULK_SESSION_KEY] = {
        "action": data["action"],
        "done": outcome.done,
        "refused": outcome.refused,
    }
    return redirect(reverse("cases:bulk-done") + "?" + urlencode({"back": back}))


@login_required
@require_GET
def case_bulk_done(request: AuthenticatedHttpRequest) -> HttpResponse:
    outcome = request.session.get(BULK_SESSION_KEY)
    if outcome is None:
        return redirect("cases:list")
    return render(
        request,
        "cases/case_bulk_done.html",
        {
            "outcome": outcome,
            "action": dict(BulkForm.ACTIONS).get(outcome.get("action"), ""),
            "back": _list_url(request.GET.get("back", "")),
        },
    )
