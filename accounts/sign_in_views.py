"""The login page, provider sign-in outcomes, logging out, and the coordinators' people
screen (last sign-in, deactivate)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors, services
from accounts.oidc import REFUSAL_SESSION_KEY, provider_logout_url, session_is_provider
from accounts.providers import providers_all
from accounts.sign_in_forms import PasswordSignInForm
from config.http import AuthenticatedHttpRequest
from contacts.selectors import staff_access

# What the refused page says, per refusal code (accounts.providers.Decision.refusal).
REFUSALS = {
    "domain": gettext_lazy(
        "Your e-mail address is not in a domain this sign-in service may let in to Tilflytt."
    ),
    "tenant": gettext_lazy("Your account belongs to another organisation's directory."),
    "deactivated": gettext_lazy("Your Tilflytt account has been deactivated by a coordinator."),
    "provider": gettext_lazy(
        "The sign-in service did not confirm who you are: you may have been signed out "
        "there, or your account is no longer allowed to use Tilflytt."
    ),
}


class SignInView(LoginView):
    """The password form (refused for organisations that switched passwords off) and one
    button per organisation's sign-in service."""

    authentication_form = PasswordSignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["providers"] = providers_all()
        return context


sign_in = SignInView.as_view()


@require_GET
def sign_in_refused(request: HttpRequest) -> HttpResponse:
    reason = REFUSALS.get(request.session.get(REFUSAL_SESSION_KEY) or "", REFUSALS["provider"])
    return render(
        request,
        "accounts/sign_in_refused.html",
        {"reason": reason, "providers": providers_all()},
        status=403,
    )


@login_required
@require_GET
def sign_in_waiting(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed in, but no organisation yet: nothing to see until a coordinator adds them."""
    if staff_access(request.user).is_staff_member:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/sign_in_waiting.html")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Logs out here, and at the provider too when signed in through one (where it offers
    that), so the next sign-in asks for the password again."""
    next_url = resolve_url(settings.LOGOUT_REDIRECT_URL)
    target = None
    if session_is_provider(request):
        target = provider_logout_url(request, next_url=next_url)
    logout(request)
    return redirect(target or next_url)


@login_required
@require_GET
def people_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.people_may_manage(user=request.user):
        raise PermissionDenied
    people = selectors.people_visible(user=request.user)
    return render(request, "accounts/people_list.html", {"people": people})


@login_required
@require_POST
def person_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not selectors.people_may_manage(user=request.user):
        raise PermissionDenied
    person = selectors.people_visible(user=request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    if person.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate yourself."))
    elif person.is_active:
        services.user_deactivate(user=person, actor=request.user)
        name = person.get_full_name() or person.get_username()
        messages.success(request, _("%(name)s is deactivated and logged out.") % {"name": name})
    return redirect("accounts:people")
