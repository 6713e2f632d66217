from celery import shared_task
from django.utils import timezone

from privacy.services import newcomer_anonymise_expired


@shared_task
def newcomers_prune() -> int:
    """Daily (CELERY_BEAT_SCHEDULE "prune-newcomers"); `manage.py prune_newcomers` by hand."""
    return len(newcomer_anonymise_expired(now=timezone.now()))
