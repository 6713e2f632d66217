"""Background work for reminders. Thin: the sweep service does everything."""

from celery import shared_task

from reminders import services

# A sweep handles at most SWEEP_BATCH rows; far less than this even at that size.
SWEEP_TIME_LIMIT = 240


@shared_task(time_limit=SWEEP_TIME_LIMIT)
def reminders_sweep() -> None:
    """Every five minutes (CELERY_BEAT_SCHEDULE); `manage.py send_reminders` runs the same
    service. Killed mid-way, it loses nothing: unclaimed rows stay pending for the next."""
    services.reminders_sweep()
