"""Background work for onboarding. Tasks take ids and call services."""

from celery import shared_task

from onboarding.services import welcome_pack_deliver, welcome_pack_sweep


@shared_task(acks_late=True, reject_on_worker_lost=True)
def welcome_pack_send(pack_id: int) -> None:
    """Builds and queues one welcome pack. Must be idempotent: a redelivered message finds
    the pack no longer pending and does nothing (see welcome_pack_deliver)."""
    welcome_pack_deliver(pack_id=pack_id)


@shared_task(time_limit=120)
def welcome_pack_sweep_task() -> None:
    """Every minute (CELERY_BEAT_SCHEDULE); `manage.py send_welcome_packs` runs the same
    service: packs whose task was lost are queued again."""
    welcome_pack_sweep()
