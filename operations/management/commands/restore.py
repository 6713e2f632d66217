"""Restores a backup into an EMPTY database and file storage, then verifies it:

    python manage.py restore /backups/tilflytt-20260101-021500

DATABASE_URL and the storage settings (S3_BUCKET or MEDIA_ROOT) name the targets. See
docs/operations.md for the whole procedure.
"""

from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backup import BackupError, backup_restore


class Command(BaseCommand):
    # Disaster recovery must not wait on checks about serving requests (cache, hosts).
    requires_system_checks: list[str] = []
    help = "Restore a backup into an empty database and file storage, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="A backup folder (with manifest.json).")

    def handle(self, *args: Any, source: Path, **options: Any) -> None:
        try:
            problems = backup_restore(source=source, storage=default_storage)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            raise CommandError("restored, but it differs from the backup:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS(f"Restored and verified {source}"))
