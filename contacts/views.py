"""A staff member's own settings: their API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from config.http import AuthenticatedHttpRequest
from contacts import selectors, services
from contacts.forms import ApiTokenForm


def _require_staff(request: HttpRequest) -> None:
    if not selectors.staff_access(request.user).is_staff_member:
        raise PermissionDenied


def _page(
    request: AuthenticatedHttpRequest, form: ApiTokenForm, secret: str = "", status: int = 200
) -> HttpResponse:
    tokens = selectors.api_token_list(user=request.user)
    context = {"form": form, "tokens": tokens, "secret": secret}
    return render(request, "contacts/token_list.html", context, status=status)


@login_required
@require_GET
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    return _page(request, ApiTokenForm())


@never_cache  # the response shows the secret once; no cache may keep it
@login_required
@require_POST
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _token, secret = services.api_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("name", exc.message_dict.get("name", exc.messages))
        else:
            # Rendered, not redirected: the secret must not be stored anywhere (not even in
            # the session) to survive a redirect.
            return _page(request, ApiTokenForm(), secret=secret, status=201)
    return _page(request, form, status=400)


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    token = get_object_or_404(selectors.api_token_list(user=request.user), pk=pk)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("contacts:tokens")
