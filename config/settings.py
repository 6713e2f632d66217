"""Tilflytt settings.

Every environment variable is read here, at the top, through the strict helpers below.
The defaults give an embedded set-up (SQLite under var/, eager tasks, mail to the
console) so that `make run` works on a machine with nothing but Python.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# The strict helpers every variable is read through; `<NAME>_FILE` works for each.
from config.env import (
    database_options,
    env_bool,
    env_int,
    env_list,
    env_oidc_providers,
    env_str,
    template_engines,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Environment -------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-used-with-debug"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'tilflytt.sqlite3'}"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or None
# Redis hands a task that is still unacknowledged after this many seconds to another worker:
# longer than any task, retry countdown or outbox backoff (a check and a test hold this).
BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
# Seconds between a worker's scans for such tasks (a killed worker's come back this way).
BROKER_UNACKED_RESTORE_INTERVAL = env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10)
CACHE_URL = env_str("CACHE_URL") or None
# Seconds the dashboard serves its figures from the cache (reports/cache.py); 0: always fresh.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 120)
EMAIL_URL_HOST = env_str("EMAIL_HOST") or None
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# A hung SMTP server must not hold a worker forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tilflytterteamet <tilflytt@localhost>")
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
# Stored files (welcome packs, e-mail attachments, monthly reports): web and worker must
# share them. On local disk under MEDIA_ROOT by default (one host); with S3_BUCKET set, in a
# private bucket of an S3-compatible object store (AWS, MinIO, Ceph), which any number of
# hosts share. Files are never public: downloads go through the app's views and access checks.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
S3_BUCKET = env_str("S3_BUCKET") or None
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL") or None
S3_REGION = env_str("S3_REGION") or None
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID") or None
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY") or None
# Seconds a signed download address stays valid, should anything ask the store for one.
S3_URL_EXPIRY = env_int("S3_URL_EXPIRY", 60)
# E-mail outbox: attempts before an e-mail is failed; seconds after which a claim with no
# outcome counts as abandoned (more than a send may take: outbox.tasks.SEND_TIME_LIMIT, 40 s;
# so mail left by a dead worker goes out within about two minutes); the domain of Message-IDs.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 6)
OUTBOX_STALE_SECONDS = env_int("OUTBOX_STALE_SECONDS", 45)
OUTBOX_MESSAGE_ID_DOMAIN = (
    env_str("OUTBOX_MESSAGE_ID_DOMAIN") or urlsplit(SITE_URL).hostname or "localhost"
)
# Conversations by e-mail (conversations): the team's mailbox address, set as Reply-To on
# messages to newcomers; replies are read from it over IMAP. Without IMAP_HOST nothing is
# polled. IMAP_SECURITY is ssl (port 993), starttls (143) or none (loopback tests only).
# Authentication is IMAP_PASSWORD, or OAuth2 (XOAUTH2, as Microsoft 365 requires) with a
# token fetched from IMAP_OAUTH2_TOKEN_URL by the client-credentials grant.
CONVERSATIONS_ADDRESS = env_str("CONVERSATIONS_ADDRESS") or None
# Whether an incoming mail's From address is believed: off (at its word) or dmarc (only when
# the topmost Authentication-Results header, our own mail server's, says dmarc=pass for it).
CONVERSATIONS_SENDER_CHECK = env_str("CONVERSATIONS_SENDER_CHECK", "off")
if CONVERSATIONS_SENDER_CHECK not in {"off", "dmarc"}:
    raise ImproperlyConfigured(
        f"CONVERSATIONS_SENDER_CHECK must be off or dmarc, not {CONVERSATIONS_SENDER_CHECK!r}"
    )
IMAP_HOST = env_str("IMAP_HOST") or None
IMAP_SECURITY = env_str("IMAP_SECURITY", "ssl")
IMAP_PORT = env_int("IMAP_PORT", {"ssl": 993}.get(IMAP_SECURITY or "", 143))
IMAP_USER = env_str("IMAP_USER", "")
IMAP_PASSWORD = env_str("IMAP_PASSWORD", "")
IMAP_FOLDER = env_str("IMAP_FOLDER", "INBOX")
IMAP_OAUTH2_TOKEN_URL = env_str("IMAP_OAUTH2_TOKEN_URL") or None
IMAP_OAUTH2_CLIENT_ID = env_str("IMAP_OAUTH2_CLIENT_ID", "")
IMAP_OAUTH2_CLIENT_SECRET = env_str("IMAP_OAUTH2_CLIENT_SECRET", "")
IMAP_OAUTH2_SCOPE = env_str("IMAP_OAUTH2_SCOPE", "https://outlook.office365.com/.default")
# A mail above this size (RFC822.SIZE, in bytes) is not fetched but flagged for a person:
# one huge mail must not exhaust the worker's memory or the poll's time limit every minute.
IMAP_MAX_MESSAGE_BYTES = env_int("IMAP_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)
# Mails read per poll (the next poll takes the rest); the largest attachment kept, in bytes;
# new cases one unknown sender may open per day (more are refused: no case storms).
IMAP_POLL_BATCH = env_int("IMAP_POLL_BATCH", 50)
CONVERSATIONS_ATTACHMENT_MAX_BYTES = env_int("CONVERSATIONS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
CONVERSATIONS_NEW_CASES_PER_SENDER_PER_DAY = env_int(
    "CONVERSATIONS_NEW_CASES_PER_SENDER_PER_DAY", 3
)
if IMAP_SECURITY not in {"ssl", "starttls", "none"}:
    raise ImproperlyConfigured(
        f"IMAP_SECURITY must be ssl, starttls or none, not {IMAP_SECURITY!r}"
    )
TIME_ZONE = env_str("TIME_ZONE", "Europe/Oslo")
CASE_REFERENCE_PREFIX = env_str("CASE_REFERENCE_PREFIX", "NR")
INTAKE_RATE_LIMIT = env_str("INTAKE_RATE_LIMIT", "10/h")
# The newcomer's own page (/my/<secret>/): a link stops working after this many days unused;
# actions on the page per client address; requests for a fresh link per address and per
# e-mail address (django-ratelimit syntax).
NEWCOMER_LINK_IDLE_DAYS = env_int("NEWCOMER_LINK_IDLE_DAYS", 90)
NEWCOMER_PAGE_RATE_LIMIT = env_str("NEWCOMER_PAGE_RATE_LIMIT", "30/h")
NEWCOMER_LINK_REQUEST_RATE_LIMIT = env_str("NEWCOMER_LINK_REQUEST_RATE_LIMIT", "5/h")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
SECURE_SSL = env_bool("SECURE_SSL", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_SSL)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL else 0)
# A header holding one client address that the proxy overwrites (e.g. HTTP_X_REAL_IP);
# unset: the connection's address.
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY") or None
# Web origins (e.g. the region's portal) allowed to post to the JSON intake from a browser.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
# API requests allowed per minute: per signed-in user (or token), and per client address
# without login. CI's schemathesis run raises the first for its one token.
API_THROTTLE_USER = env_int("API_THROTTLE_USER", 600)
API_THROTTLE_ANON = env_int("API_THROTTLE_ANON", 60)
# Staff sign-in (accounts app): failed logins allowed per user name and address before a
# pause of LOGIN_COOLOFF_MINUTES (django-axes); sessions end after SESSION_IDLE_TIMEOUT
# seconds unused or SESSION_ABSOLUTE_TIMEOUT seconds in all; two-factor authentication
# (TOTP) for everyone who can see cases, on by default but off with DEBUG so the demo
# logins of `make run` work without a phone.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
# Reminders (reminders app): the local time immediate reminders go out on their day; the
# office hours first-response targets count in (weekdays, Norwegian public holidays off);
# a reminder still unsent this many days after it was due is marked missed, not sent late;
# newcomers (with consent) hear this many days before a deadline of theirs; coordinators are
# warned this many hours before a first-response target passes.
REMINDERS_TIME = env_str("REMINDERS_TIME", "09:00")
OFFICE_HOURS = env_str("OFFICE_HOURS", "08:00-16:00")
REMINDERS_MISSED_AFTER_DAYS = env_int("REMINDERS_MISSED_AFTER_DAYS", 2)
REMINDERS_NEWCOMER_DAYS_BEFORE = env_int("REMINDERS_NEWCOMER_DAYS_BEFORE", 7)
REMINDERS_RESPONSE_WARNING_HOURS = env_int("REMINDERS_RESPONSE_WARNING_HOURS", 2)
OUTCOMES_CHECKIN_MONTHS = env_str("OUTCOMES_CHECKIN_MONTHS", "3,6,12,24")
OUTCOMES_INVITE_TIME = env_str("OUTCOMES_INVITE_TIME", "10:00")
OUTCOMES_REMINDER_DAYS = env_int("OUTCOMES_REMINDER_DAYS", 14)
# Privacy notice: who is responsible for the newcomers' data (the data controller) and
# where newcomers write to see or erase it (default: the sender address).
PRIVACY_CONTROLLER_NAME = env_str("PRIVACY_CONTROLLER_NAME", "Narvik kommune")
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL") or None
# The welcome pack's letterhead: the team's name and logo (a PNG or JPEG file).
TEAM_NAME = env_str("TEAM_NAME", "Tilflytterteamet i Narvikregionen")
TEAM_LOGO = Path(env_str("TEAM_LOGO") or BASE_DIR / "static" / "img" / "tilflytt-logo.png")
# Newcomers whose cases have all been closed this many months are anonymised.
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 24)

# --- Applications ------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "django_ratelimit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # The change history of what coordinators administer (administration/apps.py says which
    # models): who changed what, when, shown per object on its screen.
    "auditlog",
    # The project's apps, lowest layer first (docs/architecture.md); each AppConfig.ready()
    # fills the registries of the apps below it, in this order.
    "audit",
    "outbox",
    "occupations",  # ISCO-08 / STYRK-08, the codes occupations are recorded with
    "contacts",
    "accounts",
    "cases",
    "onboarding",
    "conversations",
    "reminders",
    "outcomes",  # settling-in check-ins and the Outcomes figures
    "jobs",  # employers' recruitment needs and matching
    "portal",
    "reports",
    "privacy",
    "demo",
    "imports",  # moving in from spreadsheets (CSV, XLSX)
    # Backup, restore and the beat lock: knows no other app.
    "operations",
    # Coordinators' screens for organisations, people, templates, offers and topics.
    "administration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, error pages included.
    "csp.middleware.CSPMiddleware",
    # Before anything that may answer: CORS headers on the JSON intake only (CORS_URLS_REGEX).
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their cache lifetimes.
    "config.middleware.NoStoreMiddleware",
    "config.middleware.RequestSizeMiddleware",
    # Form posts and query strings that are not UTF-8: a 400, not replacement characters.
    "config.middleware.Utf8RequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The API has no language prefix: Accept-Language decides there.
    "config.api_language.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Puts the signed-in user on every change-history row a request writes (auditlog).
    "audit.middleware.ChangeActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a rate-limit refusal into the readable 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# Form fields and widgets render with Jinja2, through templates/jinja2/django/forms/field.html
# (labels, help and errors); see config/forms.py.
FORM_RENDERER = "config.forms.FormRenderer"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "django.template.context_processors.i18n",
    "contacts.context_processors.membership",
    "jobs.context_processors.recruitment",
]
TEMPLATES = template_engines(BASE_DIR / "templates", CONTEXT_PROCESSORS)

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["OPTIONS"] = database_options(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Seconds to wait for Redis: a cache host that drops packets must cost a request a second,
# not the operating system's connect timeout (about two minutes on Linux).
CACHE_REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": CACHE_REDIS_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication ----------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:mine"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out user name and address before the password is
# checked, and records each failure.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in with the agencies' own accounts (accounts/providers.py, docs/sign-in.md) -----
# Grouped in one block on purpose (env, backend, middleware). One OpenID Connect provider
# per organisation or e-mail domain, named in OIDC_PROVIDERS (lower-case letters, digits,
# hyphens). Each NAME reads OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET (or
# _CLIENT_SECRET_FILE), _LABEL (the button), _DOMAINS (allowed e-mail domains), _TENANT_ID
# (Entra ID's `tid`), _ROLES_CLAIM (the claim holding groups or app roles), _MEMBERSHIPS
# ("value=Organisation:role;..."; the value * matches everyone) and _SCOPES. A provider
# sign-in is re-confirmed with the provider (silently) every OIDC_RENEW_SECONDS, so a person
# it disables or removes from the group loses access then at the latest.
OIDC_PROVIDERS = env_oidc_providers()
OIDC_RENEW_SECONDS = env_int("OIDC_RENEW_SECONDS", 15 * 60)
# The provider's callback, after the password backend (its signature takes any keyword).
AUTHENTICATION_BACKENDS.append("accounts.oidc.ProviderBackend")
# Right after two-factor: re-confirms a provider sign-in every OIDC_RENEW_SECONDS.
MIDDLEWARE.insert(
    MIDDLEWARE.index("accounts.middleware.TwoFactorMiddleware") + 1,
    "accounts.oidc.ProviderRenewMiddleware",
)
# mozilla-django-oidc's own settings (the per-provider ones are set per request by
# accounts/oidc.py): PKCE, the id token kept for logging out at the provider, a timeout.
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = 10
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = OIDC_RENEW_SECONDS
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("en", _("English")),
    ("pl", _("Polish")),
    ("uk", _("Ukrainian")),
    ("ar", _("Arabic")),  # right to left: <html dir="rtl"> from get_language_bidi()
]
# The staff screens are in these; the public intake, its receipt and e-mails and the welcome
# pack are in every language above (the header's language switch offers them there).
STAFF_LANGUAGES = ["nb", "en"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times as the Unicode CLDR writes them in each language, where Django's own
# formats differ (English as en-GB, 24-hour time): config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
if S3_BUCKET:
    # django-storages: no ACL (the bucket's own, private, applies), signed URLs only, and a
    # name that exists is never overwritten (a pack or an attachment keeps its own file).
    # Path-style addressing for a store at its own endpoint (MinIO, Ceph, an emulator).
    FILE_STORAGE: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL,
            "region_name": S3_REGION,
            "access_key": S3_ACCESS_KEY_ID,
            "secret_key": S3_SECRET_ACCESS_KEY,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": S3_URL_EXPIRY,
            "file_overwrite": False,
            "addressing_style": "path" if S3_ENDPOINT_URL else None,
        },
    }
else:
    FILE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": FILE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ------------------------------------------------------------------------------
if EMAIL_URL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_URL_HOST
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work ---------------------------------------------------------------------
# Without a broker every task runs in-process right after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Longer than any task may run, or a slow task would be delivered twice. Throttle 1: every
# restore interval really scans (kombu's default scans every tenth).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": BROKER_UNACKED_RESTORE_INTERVAL,
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Every 15 minutes: settling-in check-ins (`manage.py send_checkins [--dry-run]`).
    "checkins-sweep": {
        "task": "outcomes.tasks.checkins_sweep",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    # Every five minutes: plan due reminders, digests and response warnings, claim them and
    # queue their e-mails (`manage.py send_reminders [--dry-run]` by hand). A sweep not
    # started within 4 minutes is dropped: the next one does the same work.
    "reminders-sweep": {
        "task": "reminders.tasks.reminders_sweep",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    # Every minute: queue again e-mails whose task was lost, take back abandoned claims
    # (`manage.py send_outbox` by hand). A sweep not started within 50 s is dropped: the
    # next one does the same work.
    "outbox-sweep": {
        "task": "outbox.tasks.outbox_sweep",
        "schedule": crontab(),
        "options": {"expires": 50},
    },
    # Every minute: queue again welcome packs whose task was lost (`manage.py
    # send_welcome_packs [--dry-run]` by hand). Dropped if not started within 50 s.
    "welcome-pack-sweep": {
        "task": "onboarding.tasks.welcome_pack_sweep_task",
        "schedule": crontab(),
        "options": {"expires": 50},
    },
    # Every minute: read unseen mail in the team's mailbox and put each reply on its case,
    # once (`manage.py poll_mailbox [--limit N] [--dry-run]` by hand). Nothing without
    # IMAP_HOST. A poll not started within 50 s is dropped: the next one reads the same mail.
    "conversations-poll": {
        "task": "conversations.tasks.conversations_poll",
        "schedule": crontab(),
        "options": {"expires": 50},
    },
    # Every hour at :40: delete uploaded spreadsheets of imports never finished, once older
    # than a session lives (`manage.py imports_prune` by hand).
    "imports-prune": {"task": "imports.tasks.imports_prune", "schedule": crontab(minute=40)},
    # Every day at 03:15: anonymise newcomers whose cases have all been closed for
    # RETENTION_MONTHS (`manage.py prune_newcomers [--dry-run]` by hand).
    "prune-newcomers": {
        "task": "privacy.tasks.newcomers_prune",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 1800},
    },
    # On the 1st of each month from 06:00 (TIME_ZONE): e-mail last month's report PDF to
    # every active coordinator, once each (`manage.py send_monthly_report [--month YYYY-MM]
    # [--dry-run]` by hand). Repeated hourly until 18:00 on the 1st to 3rd, so that a run
    # lost with the broker is made up within the hour; a repeat sends nothing twice (each
    # coordinator's month is a row). Each run expires within the hour: the next does it.
    "monthly-report": {
        "task": "reports.tasks.monthly_report_send_all",
        "schedule": crontab(minute=0, hour="6-18", day_of_month="1-3"),
        "options": {"expires": 3000},
    },
}

# First-response targets per case priority, in working hours (OFFICE_HOURS on weekdays that
# are not Norwegian public holidays): 8 working hours are one working day.
FIRST_RESPONSE_TARGET_HOURS = {"urgent": 4, "high": 8, "normal": 16, "low": 40}

# --- Security ----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The absolute session limit also caps the cookie; the idle limit is the middleware's
# (accounts.sessions). Logout deletes the session row.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# The CSRF cookie stays readable by scripts (Swagger UI sends it back as a header on
# /api/docs/); HttpOnly would not protect anything there (Django's docs agree).
CSRF_COOKIE_SAMESITE = "Lax"
# Forms and the JSON API take text only (no file uploads exist): 256 KiB is far more than an
# enquiry; bigger bodies get 413 (config.middleware.RequestSizeMiddleware) or 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# No inline scripts or styles anywhere (static/js/tilflytt.js is a file; the QR code is an
# SVG path); /api/docs/ alone loosens styles for Swagger UI (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# django-axes: lock out a user name *from one address* after LOGIN_FAILURE_LIMIT failures
# (so nobody can lock a colleague out from elsewhere), for LOGIN_COOLOFF_MINUTES, not for
# ever. Failures, lockouts and logins are its audit tables in the admin; no user names or
# addresses go to the log (AXES_VERBOSE off).
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AUDITLOG_DISABLE_REMOTE_ADDR = True  # the change history says who, not from where
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# django-otp: the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "Tilflytt"
if SECURE_SSL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# django-ratelimit: counters live in the default cache, which must be shared in production
# (set CACHE_URL to Redis); per-process memory is fine for one development server.
RATELIMIT_VIEW = "cases.views.rate_limited"
# W001 only says the library does not know Django's own RedisCache, which is shared. E003
# (a per-process cache) is an error in production and acceptable with DEBUG.
# W040: SQLite ignores an index's INCLUDE columns, which only PostgreSQL's planner reads.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "models.W040"] + (
    ["django_ratelimit.E003"] if DEBUG else []
)

# --- REST API (/api/v1/) --------------------------------------------------------------------
REST_FRAMEWORK = {
    # A token first, so a request without credentials gets a 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "contacts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["config.drf.DepthLimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.drf.Pagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "config.api.AutoSchema",
    # Counters live in the default cache (shared once CACHE_URL is set), per user or per
    # client address (found as for the intake limit: RATELIMIT_IP_META_KEY).
    "DEFAULT_THROTTLE_CLASSES": [
        "config.drf.AnonThrottle",
        "config.drf.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": f"{API_THROTTLE_ANON}/minute",
        "user": f"{API_THROTTLE_USER}/minute",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tilflytt API",
    "DESCRIPTION": (
        "Cases, newcomers and the public intake of the newcomer team. Authenticate with a "
        "personal token (`Authorization: Bearer …`, made at /accounts/tokens/) or a session."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Case.Channel, and the staff form's channels without the public form's: two enums.
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "cases.models.Case.Channel",
        # Three models have a "status": one name each.
        "CaseStatusEnum": "cases.models.Case.Status",
        "PlanStepStatusEnum": "onboarding.models.PlanStep.Status",
        "WelcomePackStatusEnum": "onboarding.models.WelcomePack.Status",
    },
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Cross-origin requests are answered only on the JSON intake, and only for the origins in
# CORS_ALLOWED_ORIGINS; no cookies cross origins.
CORS_URLS_REGEX = r"^/api/v1/intake/$"
CORS_ALLOW_CREDENTIALS = False

# --- Logging -----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
