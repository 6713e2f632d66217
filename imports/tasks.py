from celery import shared_task

from imports.uploads import uploads_prune


@shared_task
def imports_prune() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE "imports-prune"); `manage.py imports_prune` by hand."""
    return uploads_prune()
