"""Norwegian and English names for what third-party apps show in the Django admin.

django-axes, django-otp and django-auditlog ship no bokmål catalogue, and two of their
names are not marked for translation at all ("TOTP device", the app labels that Django
shows as "Otp_Static"). Their marked texts are listed here with gettext_noop, so that
makemessages keeps them in the project's catalogue, which Django looks in first (a
lazy text of theirs then reads in bokmål); the unmarked ones are replaced at start-up.
tests/administration/test_admin_names.py opens every admin list in bokmål and fails on
any of these in English.
"""

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

THIRD_PARTY_TEXTS = [
    # django-axes
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Access lock out"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Expiration"),
    gettext_noop("Status"),
    # django-otp
    gettext_noop("static device"),
    gettext_noop("static devices"),
    gettext_noop("throttling failure timestamp"),
    gettext_noop("throttling failure count"),
    gettext_noop("created at"),
    gettext_noop("last used at"),
    gettext_noop("confirmed"),
    gettext_noop("key"),
    gettext_noop("step"),
    gettext_noop("digits"),
    gettext_noop("tolerance"),
    gettext_noop("drift"),
    gettext_noop("last t"),
    gettext_noop("t0"),
    gettext_noop("token"),
    gettext_noop("QR Code"),
]

APP_NAMES = {
    "axes": _("Sign-in attempts"),
    "otp_static": _("Two-factor backup codes"),
    "otp_totp": _("Two-factor apps"),
    "auditlog": _("Change history"),
}


def admin_names_translate() -> None:
    """Names the third-party apps and unmarked models in the reader's language; hides
    auditlog's own admin list (each object's history is on its screen instead)."""
    for label, name in APP_NAMES.items():
        apps.get_app_config(label).verbose_name = name
    totp = apps.get_model("otp_totp", "TOTPDevice")
    totp._meta.verbose_name = _("two-factor app")
    totp._meta.verbose_name_plural = _("two-factor apps")
    static_device = apps.get_model("otp_static", "StaticDevice")
    static_device._meta.verbose_name = _("static device")
    static_device._meta.verbose_name_plural = _("static devices")
    # django-otp's fields have English names not marked for translation; their words are
    # in THIRD_PARTY_TEXTS, so the lazy text of each reads in the reader's language.
    for model in (totp, static_device, apps.get_model("otp_static", "StaticToken")):
        for field in model._meta.local_fields:
            if field.name not in ("id", "user", "name", "device"):
                field.verbose_name = _(str(field.verbose_name))
    static_token = apps.get_model("otp_static", "StaticToken")
    static_token._meta.verbose_name = _("backup code")
    static_token._meta.verbose_name_plural = _("backup codes")
    log_entry = apps.get_model("auditlog", "LogEntry")
    if admin.site.is_registered(log_entry):
        admin.site.unregister(log_entry)
