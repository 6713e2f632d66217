"""Background work for conversations. Thin: the poll service does everything."""

from celery import shared_task
from django.conf import settings

from conversations.mailbox import mailbox_poll

# One poll reads at most IMAP_POLL_BATCH mails, each socket operation bounded by
# mailbox.TIMEOUT (30 s) and each mail by IMAP_MAX_MESSAGE_BYTES. The poll starts no new
# mail after POLL_STOP_AFTER seconds, so a mail the soft limit hits has had at least the
# remaining 75 s to itself: that mail is flagged (not blamed for the batch before it) and
# the next poll goes on with later mail. The hard limit kills a stuck poll. Both stay far
# below the broker's visibility timeout, and a poll that overlaps the next one is harmless:
# the unique Message-ID makes the second see duplicates.
POLL_SOFT_TIME_LIMIT = 150
POLL_TIME_LIMIT = 180
POLL_STOP_AFTER = POLL_SOFT_TIME_LIMIT / 2


@shared_task(soft_time_limit=POLL_SOFT_TIME_LIMIT, time_limit=POLL_TIME_LIMIT)
def conversations_poll() -> None:
    """Every minute (CELERY_BEAT_SCHEDULE); `manage.py poll_mailbox` runs the same service.
    Without IMAP_HOST there is no mailbox: nothing to do."""
    if not settings.IMAP_HOST:
        return
    mailbox_poll(stop_after=POLL_STOP_AFTER)
