"""Settings for benchmark runs: the real settings, plus a query counter and a floor view.

Limits meant for the public (intake rate, API throttles) are raised so that the benchmark
measures the pages, not the limiter.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE, REST_FRAMEWORK

MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
INTAKE_RATE_LIMIT = "1000000/h"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute", "user": "1000000/minute"},
}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001", "models.W040"]
TWO_FACTOR_REQUIRED = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"  # receipts of bench intakes
