"""`manage.py poll_mailbox [--limit N] [--dry-run]`: the every-minute mailbox poll, by hand
or from cron."""

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.mailbox import mailbox_poll


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return int(value)


class Command(BaseCommand):
    help = (
        "Reads the unseen mails in the team's mailbox (IMAP_*) and puts each reply on its "
        "case, once (what the conversations-poll beat entry does every minute). The mailbox "
        "must be Tilflytt's own: mail a person has read is not processed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit",
            type=_positive,
            default=None,
            help="mails to read at most (default IMAP_POLL_BATCH)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="fetch and count the unseen mails; process, mark and flag nothing",
        )

    def handle(self, *args: Any, limit: int | None, dry_run: bool, **options: Any) -> None:
        if not settings.IMAP_HOST:
            raise CommandError("IMAP_HOST is not set: there is no mailbox to poll.")
        result = mailbox_poll(limit=limit, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Would process {result.seen} unseen mails and flag {result.too_large} too "
                "large ones."
            )
            return
        self.stdout.write(
            f"Read {result.seen}: processed {result.processed}, duplicates "
            f"{result.duplicates}, held {result.held}, failed {result.failed}; "
            f"{result.too_large} too large, flagged."
        )
