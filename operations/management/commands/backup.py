"""Backs up the database and the stored files into a new folder (operations/backup.py):

    python manage.py backup --to /backups [--keep 14]

Run nightly by the backup CronJob (deploy/kubernetes/) or the compose `backup` service.
"""

from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from operations.backup import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    # Disaster recovery must not wait on checks about serving requests (cache, hosts).
    requires_system_checks: list[str] = []
    help = "Back up the database (pg_dump) and the stored files into a new folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", required=True, type=Path, help="Folder that receives tilflytt-<time>/."
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="Keep only the newest N backups there (0: all)."
        )

    def handle(self, *args: Any, to: Path, keep: int, **options: Any) -> None:
        destination = to / f"tilflytt-{timezone.now():%Y%m%d-%H%M%S}"
        try:
            manifest = backup_create(destination=destination, storage=default_storage)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["database"]["tables"].values())
        self.stdout.write(
            f"Backup {destination}: {len(manifest['database']['tables'])} tables, "
            f"{rows} rows, {len(manifest['files'])} files"
        )
        for path in backups_prune(root=to, keep=keep):
            self.stdout.write(f"Deleted old backup {path}")
