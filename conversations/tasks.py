"""Background work for conversations. Thin: the poll service does everything."""

from celery import shared_task
from django.conf import settings

from conversations.mailbox import mailbox_poll

# One poll reads at most IMAP_POLL_BATCH mails, each socket operation bounded by
# mailbox.TIMEOUT (30 s). The soft limit ends a slow poll between two mails' steps (what
# was committed stays, the rest waits unseen); the hard limit kills a stuck one. Both stay
# far below the broker's visibility timeout, and a poll that overlaps the next one is
# harmless: the unique Message-ID makes the second see duplicates.
POLL_SOFT_TIME_LIMIT = 150
POLL_TIME_LIMIT = 180


@shared_task(soft_time_limit=POLL_SOFT_TIME_LIMIT, time_limit=POLL_TIME_LIMIT)
def conversations_poll() -> None:
    """Every minute (CELERY_BEAT_SCHEDULE); `manage.py poll_mailbox` runs the same service.
    Without IMAP_HOST there is no mailbox: nothing to do."""
    if not settings.IMAP_HOST:
        return
    mailbox_poll()
