"""`manage.py send_outbox [--dry-run]`: the every-minute outbox sweep, by hand or from cron."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from outbox.services import email_sweep


class Command(BaseCommand):
    help = (
        "Queues again e-mails whose task was lost and takes back claims of senders that died "
        "(what the outbox_sweep beat entry does every minute). Without a broker it sends them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be done; change nothing"
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        result = email_sweep(dry_run=dry_run)
        self.stdout.write(
            f"{'Would reset' if dry_run else 'Reset'} {len(result.reset)} stale, "
            f"{'fail' if dry_run else 'failed'} {len(result.failed)}, "
            f"{'queue' if dry_run else 'queued'} {len(result.requeued)} again."
        )
