"""Background work for reports. Thin: the service does the work."""

from celery import shared_task

from reports.services import monthly_report_send


@shared_task(acks_late=True, reject_on_worker_lost=True)
def monthly_report_send_all() -> None:
    """Last month's report to every coordinator (CELERY_BEAT_SCHEDULE, the 1st at 06:00).
    Must be idempotent: a redelivered or repeated run finds each (coordinator, month) row
    and sends nothing twice (see monthly_report_deliver)."""
    monthly_report_send()
