"""Startup checks on the outbox's timing: the settings can come from the environment, so
`manage.py check` (and migrate, which the web container runs first) refuses values that would
send an e-mail twice."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def outbox_timing_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from outbox.services import BACKOFF_SECONDS
    from outbox.tasks import SEND_TIME_LIMIT

    errors = []
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    longest = max(*BACKOFF_SECONDS, SEND_TIME_LIMIT)
    if longest >= visibility:
        errors.append(
            Error(
                f"An outbox retry or attempt can take {longest} s, not less than the broker's "
                f"visibility timeout ({visibility} s): Redis would hand it to a second worker.",
                hint="Raise CELERY_VISIBILITY_TIMEOUT.",
                id="outbox.E001",
            )
        )
    if settings.OUTBOX_STALE_SECONDS <= SEND_TIME_LIMIT:
        errors.append(
            Error(
                f"OUTBOX_STALE_SECONDS ({settings.OUTBOX_STALE_SECONDS}) must exceed the send "
                f"time limit ({SEND_TIME_LIMIT} s), or a running attempt looks abandoned.",
                id="outbox.E002",
            )
        )
    if settings.OUTBOX_MAX_ATTEMPTS < 1:
        errors.append(Error("OUTBOX_MAX_ATTEMPTS must be at least 1.", id="outbox.E003"))
    return errors
