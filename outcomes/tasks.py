"""Background work for check-ins. Thin: the sweep service does everything."""

from celery import shared_task

from outcomes import services

SWEEP_TIME_LIMIT = 600


@shared_task(time_limit=SWEEP_TIME_LIMIT)
def checkins_sweep() -> None:
    """Every fifteen minutes (CELERY_BEAT_SCHEDULE); `manage.py send_checkins` runs the same
    service. Killed mid-way, it loses nothing: unclaimed rows stay pending for the next."""
    services.checkins_sweep()
