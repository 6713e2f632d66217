"""Mandatory two-factor authentication for password sign-ins (session timeouts are in
accounts.sessions; provider sign-ins in accounts.oidc)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

# The check OTPMiddleware installs on each user as `user.is_verified()`, called as a
# function: the User model has no such attribute for the type checker.
from django_otp.middleware import is_verified

from accounts.oidc import session_is_provider
from accounts.selectors import two_factor_applies, two_factor_enabled

# Pages a password-only session may still use: the two-factor steps themselves, logging
# out, choosing a language and the public pages.
TWO_FACTOR_EXEMPT = {
    "accounts:two-factor-setup",
    "accounts:two-factor-verify",
    "logout",
    "login",
    "accounts:login",
    "accounts:sign-out",
    "accounts:oidc-start",
    "accounts:oidc-callback",
    "accounts:sign-in-refused",
    "set_language",
    "healthz",
    "accessibility",
    "api:intake",
    "api-schema",
    "api-docs",
    "privacy:notice",
}
# Public namespaces: the enquiry form and the newcomer's own page (by personal link).
TWO_FACTOR_EXEMPT_NAMESPACES = {"intake", "portal"}


class TwoFactorMiddleware:
    """With TWO_FACTOR_REQUIRED, a password-only session of someone who can see cases is
    sent to enrol (no device yet) or to enter a code, before any other page. API requests
    with a token (`Authorization: Bearer`) are left to token authentication; an API call on
    an unverified session answers 403.

    Must come after AuthenticationMiddleware and django_otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.TWO_FACTOR_REQUIRED:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or is_verified(user):
            return None
        if session_is_provider(request):
            # Signed in through the organisation's own provider: its sign-in (and its
            # multi-factor policy, recorded from `amr`) stands in for ours. Two-factor is
            # for Tilflytt passwords only.
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        view_name = match.view_name
        if view_name in TWO_FACTOR_EXEMPT or match.namespace in TWO_FACTOR_EXEMPT_NAMESPACES:
            return None
        is_api = view_name.startswith("api:")
        if is_api and request.headers.get("Authorization"):
            return None  # token authentication (or a 401 for a bad header), not the session
        if not two_factor_applies(user):
            return None
        if is_api:
            return JsonResponse(
                {
                    "message": _("Complete two-factor authentication in the browser first."),
                    "code": "two_factor_required",
                    "errors": {},
                },
                status=403,
            )
        name = "two-factor-verify" if two_factor_enabled(user=user) else "two-factor-setup"
        url = reverse(f"accounts:{name}")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
