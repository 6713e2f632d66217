"""`manage.py send_welcome_packs [--dry-run]`: the every-minute welcome-pack sweep, by hand."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onboarding.services import welcome_pack_sweep


class Command(BaseCommand):
    help = (
        "Queues again welcome packs still pending long after they were requested (what the "
        "welcome-pack-sweep beat entry does every minute). Without a broker it builds them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be done; change nothing"
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        packs = welcome_pack_sweep(dry_run=dry_run)
        self.stdout.write(f"{'Would queue' if dry_run else 'Queued'} {len(packs)} packs again.")
