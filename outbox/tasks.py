"""Background work for the outbox. Thin: ids in, services called."""

import logging

from celery import Task, shared_task

from outbox import services

logger = logging.getLogger(__name__)

# Hard limit on one attempt (a prefork worker kills the child). It must stay below
# OUTBOX_STALE_SECONDS, or the sweep would take back the claim of an attempt that is still
# running, and below the broker's visibility timeout (outbox.checks). Kept short because it
# bounds recovery: a worker that dies mid-send leaves its claim for OUTBOX_STALE_SECONDS
# (45 s by default) plus at most one sweep interval. Our messages are small (a PDF of a few
# hundred KB at most), so a healthy SMTP server takes seconds; one that holds a single
# command for EMAIL_TIMEOUT (30 s) still fits once, and a slower attempt is cut off and
# retried like any failed one.
SEND_TIME_LIMIT = 40
SWEEP_TIME_LIMIT = 120


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    time_limit=SEND_TIME_LIMIT,
)
def outbox_send(self: Task, email_id: int) -> None:
    """Sends one queued e-mail. The message is delivered at least once (acks_late, and a
    killed worker's message comes back): email_send_one's claim turns every extra delivery
    into a no-op. The row counts the attempts and gives up after OUTBOX_MAX_ATTEMPTS, so
    Celery's own retry count is unlimited."""
    try:
        services.email_send_one(email_id=email_id)
    except services.EmailDeferred as exc:
        if self.request.is_eager:
            # No broker, so no delayed retry in this process: the row is pending and the
            # next `manage.py send_outbox` (cron) picks it up.
            return
        raise self.retry(countdown=exc.retry_in) from exc


@shared_task(time_limit=SWEEP_TIME_LIMIT)
def outbox_sweep() -> None:
    """Every minute (CELERY_BEAT_SCHEDULE); `manage.py send_outbox` runs the same service."""
    services.email_sweep()
