"""Sign-in through the organisations' OpenID Connect providers, on mozilla-django-oidc.

The library knows one provider, from settings. Tilflytt has several, so each piece reads
the provider this sign-in uses (chosen on the sign-in page, kept in the session) instead:

- `ProviderStartView` sends the browser to the chosen provider (state, nonce, PKCE);
- `ProviderCallbackView` takes the answer; the library fetches and checks the tokens
  through `ProviderBackend`, which applies our rules (accounts.providers) and creates or
  updates the user (accounts.services.identity_sign_in);
- `ProviderRenewMiddleware` asks the provider again, silently (prompt=none), once the
  id token is older than OIDC_RENEW_SECONDS: a person it now refuses is logged out.

A library view or backend instance serves one request, so setting the provider's values
on it is safe; the middleware is shared between threads, so it only redirects.
"""

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import services
from accounts.providers import (
    provider_claims_evaluate,
    provider_get,
    provider_metadata,
)
from contacts.selectors import staff_access

logger = logging.getLogger(__name__)

PROVIDER_SESSION_KEY = "tilflytt_oidc_provider"
REFUSAL_SESSION_KEY = "tilflytt_oidc_refusal"
AMR_SESSION_KEY = "tilflytt_oidc_amr"
BACKEND_PATH = "accounts.oidc.ProviderBackend"


def session_is_provider(request: HttpRequest) -> bool:
    """Whether this session was signed in through a provider (not a password)."""
    return request.session.get(BACKEND_SESSION_KEY) == BACKEND_PATH


class ProviderStartView(OIDCAuthenticationRequestView):
    """GET /accounts/oidc/<name>/?next=…: to the provider's sign-in page. With
    `renew=1` (from ProviderRenewMiddleware) the provider is asked not to show anything
    (prompt=none): it answers at once, yes or no."""

    def __init__(self, **kwargs: Any) -> None:
        # The library reads one provider's values from settings here; ours come in get().
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest, name: str) -> HttpResponse:
        provider = provider_get(name)
        if provider is None:
            raise Http404
        self.provider = provider
        self.OIDC_OP_AUTH_ENDPOINT = provider_metadata(provider)["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        request.session[PROVIDER_SESSION_KEY] = provider.name
        request.session.pop(REFUSAL_SESSION_KEY, None)
        return super().get(request)

    def get_settings(self, attr: str, *args: Any) -> Any:
        if attr == "OIDC_RP_SCOPES":
            return self.provider.scopes
        return import_from_settings(attr, *args)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        return {"prompt": "none"} if request.GET.get("renew") == "1" else {}


class ProviderCallbackView(OIDCAuthenticationCallbackView):
    """GET /accounts/oidc/callback/: the provider's answer. Refused: a page saying why.
    Signed in with no membership: the page that says a coordinator must add them."""

    @property
    def failure_url(self) -> str:
        return reverse("accounts:sign-in-refused")

    @property
    def success_url(self) -> str:
        if not staff_access(self.user).is_staff_member and not self.user.is_staff:
            return reverse("accounts:sign-in-waiting")
        return str(super().success_url)

    def login_failure(self) -> HttpResponse:
        """Also after a renewal: whoever was signed in is logged out, and the page says
        why (the reason survives the logout, which empties the session)."""
        request = self.request
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            reason = "deactivated"
        elif request.GET.get("error"):
            reason = "provider"
        else:
            reason = request.session.get(REFUSAL_SESSION_KEY) or "provider"
        # A real answer (a code or an error) ends the session it could not renew; a stray
        # visit to this address changes nothing.
        if request.user.is_authenticated and ("code" in request.GET or "error" in request.GET):
            auth.logout(request)
        request.session[REFUSAL_SESSION_KEY] = reason
        return super().login_failure()


class ProviderBackend(OIDCAuthenticationBackend):
    """Authenticates the provider's answer for the provider kept in the session; every
    other call (a password, a token) is not for it and gets None."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads one provider's values from settings here; ours come from
        # authenticate() (a backend instance serves one call).
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or "code" not in request.GET:
            return None
        provider = provider_get(request.session.get(PROVIDER_SESSION_KEY) or "")
        if provider is None:
            return None
        metadata = provider_metadata(provider)
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        user: User | None = super().authenticate(
            request, nonce=kwargs.get("nonce"), code_verifier=kwargs.get("code_verifier")
        )
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature and nonce; the issuer and audience are ours to
        check (a token meant for another application must not let anyone in)."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if str(payload.get("iss", "")).rstrip("/") != self.provider.issuer:
            raise SuspiciousOperation("id token from another issuer")
        if self.provider.client_id not in audiences:
            raise SuspiciousOperation("id token for another client")
        return payload

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        """The id token's claims (tenant, roles, amr) over the userinfo's (e-mail, name)."""
        claims = {**self.get_userinfo(access_token, id_token, payload), **payload}
        decision = provider_claims_evaluate(provider=self.provider, claims=claims)
        session = self.request.session
        if decision.refusal:
            session[REFUSAL_SESSION_KEY] = decision.refusal
            logger.info("provider %s sign-in refused: %s", self.provider.name, decision.refusal)
            return None
        user = services.identity_sign_in(provider=self.provider, claims=claims, decision=decision)
        session[AMR_SESSION_KEY] = list(decision.amr)
        return user

    def get_user(self, user_id: Any) -> User | None:
        """As Django's ModelBackend: an inactive user's session counts for nothing (the
        library's own get_user would keep a deactivated user signed in)."""
        user: User | None = self.UserModel.objects.filter(pk=user_id, is_active=True).first()
        return user


def provider_logout_url(request: HttpRequest, *, next_url: str) -> str | None:
    """Where to send a provider session at logout: the provider's end-session page (RP-
    initiated logout), which comes back to `next_url`; None where the provider has none."""
    provider = provider_get(request.session.get(PROVIDER_SESSION_KEY) or "")
    if provider is None:
        return None
    endpoint = provider_metadata(provider).get("end_session_endpoint")
    if not endpoint:
        return None
    params = {"post_logout_redirect_uri": request.build_absolute_uri(next_url)}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    params["client_id"] = provider.client_id
    return f"{endpoint}?{urlencode(params)}"


# Pages the renewal never interrupts: the sign-in steps themselves and logging out.
RENEW_EXEMPT = {
    "accounts:oidc-start",
    "accounts:oidc-callback",
    "accounts:sign-in-refused",
    "accounts:sign-out",
    "logout",
    "set_language",
    "healthz",
}


def _view_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


class ProviderRenewMiddleware:
    """After the session and two-factor middleware: once a provider session's id token is
    older than OIDC_RENEW_SECONDS, a page request (GET) goes through the provider again,
    silently. A refusal there (disabled, removed, signed out) logs the user out in the
    callback. A script's request gets 403 with the URL to follow, not a redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method == "GET"
            and request.user.is_authenticated
            and session_is_provider(request)
            and request.session.get("oidc_id_token_expiration", 0) <= time.time()
            and _view_name(request) not in RENEW_EXEMPT
        ):
            name = request.session.get(PROVIDER_SESSION_KEY)
            if name and provider_get(name) is not None:
                url = reverse("accounts:oidc-start", kwargs={"name": name})
                url += "?" + urlencode({"next": request.get_full_path(), "renew": "1"})
                if request.headers.get("x-requested-with") == "XMLHttpRequest":
                    return JsonResponse({"refresh_url": url}, status=403)
                return redirect(url)
        return self.get_response(request)
