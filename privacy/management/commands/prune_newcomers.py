"""Anonymises newcomers whose cases have all been closed for RETENTION_MONTHS.

Run daily by Celery beat ("prune-newcomers"); by hand or from cron without a broker:

    python manage.py prune_newcomers --dry-run
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from privacy.services import newcomer_anonymise_expired


class Command(BaseCommand):
    help = "Anonymise newcomers whose cases have all been closed for RETENTION_MONTHS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the newcomers that are due."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        ids = newcomer_anonymise_expired(now=timezone.now(), dry_run=dry_run)
        verb = "would be anonymised" if dry_run else "anonymised"
        # Counts and ids only: no personal data on the console or in cron mail.
        self.stdout.write(
            f"{len(ids)} newcomer(s) {verb} (retention {settings.RETENTION_MONTHS} months)"
        )
