"""`manage.py send_checkins [--dry-run]`: the check-ins sweep, by hand or cron."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from outcomes.services import checkins_sweep


class Command(BaseCommand):
    help = (
        "Plans the settling-in check-ins that have come due, invites each newcomer once and "
        "reminds at most once (what the checkins-sweep beat entry does every 15 minutes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be done; change nothing"
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        result = checkins_sweep(dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Would plan {result.planned} check-ins; {len(result.invited)} already planned "
                "are due."
            )
            return
        self.stdout.write(
            f"Planned {result.planned}, invited {len(result.invited)}, reminded "
            f"{len(result.reminded)}, skipped {len(result.skipped)}, missed {len(result.missed)}."
        )
