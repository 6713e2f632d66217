"""Two-factor enrolment and verification, and the lockout page."""

from typing import Any

import qrcode
import qrcode.image.svg
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.middleware import is_verified
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors, services
from accounts.forms import OtpTokenForm, TotpSetupForm
from config.http import AuthenticatedHttpRequest

SETUP_KEY_SESSION = "tilflytt_totp_setup_key"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _qr_svg(data: str) -> str:
    """The otpauth:// URL as an inline SVG path, drawn on the server (no script, no image
    request, nothing sent to a third party)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    return image.to_string(encoding="unicode")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Shows a new secret (QR code and text); a correct code from the app stores it and
    shows the backup codes once. A user who has it already is sent to verify, or told it
    is on. The pending secret lives in the session: nothing is stored before it works."""
    if selectors.two_factor_enabled(user=request.user):
        if not is_verified(request.user):
            return redirect("accounts:two-factor-verify")
        return render(
            request,
            "accounts/two_factor_setup.html",
            {"enabled": True, "codes_left": selectors.backup_codes_left(user=request.user)},
        )
    key = request.session.get(SETUP_KEY_SESSION)
    if not key:
        key = services.totp_key_new()
        request.session[SETUP_KEY_SESSION] = key
    form = TotpSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_key_verify(key=key, token=form.cleaned_data["token"]):
            device, codes = services.two_factor_enable(user=request.user, key=key)
            del request.session[SETUP_KEY_SESSION]
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error("token", _("That code is not right. Check the app and try again."))
    device = TOTPDevice(user=request.user, key=key)
    context: dict[str, Any] = {
        "form": form,
        # Our own SVG from qrcode, built from an otpauth:// URL we made: no user input.
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308  # nosec B308 B703
        "secret": device.config_url.split("secret=", 1)[1].split("&", 1)[0],
        "next": _next_url(request),
    }
    return render(
        request, "accounts/two_factor_setup.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step after the password: a code from the app or a backup code (each
    backup code works once). django-otp slows down repeated wrong codes per device."""
    if not selectors.two_factor_enabled(user=request.user):
        return redirect("accounts:two-factor-setup")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        # Six digits are the app's code, anything else a backup code: each is checked
        # against its own device, so a typo does not slow down the other (django-otp
        # throttles per device and advises against trying every device).
        kind = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
        stored = kind.objects.filter(user=request.user, confirmed=True).first()
        device = verify_token(request.user, stored.persistent_id, token) if stored else None
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not right, or it was used already."))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): a readable, translated page."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    return render(request, "accounts/lockout.html", {"minutes": minutes}, status=429)
