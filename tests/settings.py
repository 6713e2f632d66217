"""Test settings: the real settings with fast hashing, eager tasks, and locmem mail and cache.

DATABASE_URL still decides the database, so the same suite runs on SQLite and PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("SECURE_SSL", "false")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = None
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001", "models.W040"]
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
INTAKE_RATE_LIMIT = "1000/h"
WHITENOISE_AUTOREFRESH = True  # serve from the source folders; no collectstatic in tests
# Tests log in with force_login (no device); tests/accounts/ turn it on where they check it.
TWO_FACTOR_REQUIRED = False
WHITENOISE_USE_FINDERS = True  # serve from static/ directly: no collectstatic before tests
