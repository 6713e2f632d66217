"""`manage.py send_reminders [--dry-run]`: the five-minute reminders sweep, by hand or cron."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reminders.services import reminders_sweep


class Command(BaseCommand):
    help = (
        "Plans the reminders, digests and response warnings that are due and queues their "
        "e-mails, each once (what the reminders-sweep beat entry does every five minutes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be done; change nothing"
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        result = reminders_sweep(dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Would plan {result.planned} reminders; {len(result.sent)} already planned "
                "are due."
            )
            return
        self.stdout.write(
            f"Planned {result.planned}, sent {len(result.sent)}, skipped {len(result.skipped)}, "
            f"missed {len(result.missed)}, failed {len(result.failed)}."
        )
