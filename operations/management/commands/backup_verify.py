"""Compares the live database and stored files with a backup: row counts per table, and
each file's checksum. Exit status 1 with the differences listed when they differ.

    python manage.py backup_verify /backups/tilflytt-20260101-021500 [--archive-only]
"""

from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backup import BackupError, backup_check_archive, backup_verify


class Command(BaseCommand):
    # Disaster recovery must not wait on checks about serving requests (cache, hosts).
    requires_system_checks: list[str] = []
    help = "Compare the database and stored files with a backup (row counts, checksums)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="A backup folder (with manifest.json).")
        parser.add_argument(
            "--archive-only",
            action="store_true",
            help="Check only the backup folder's own checksums (nothing live is read).",
        )

    def handle(self, *args: Any, source: Path, archive_only: bool = False, **options: Any) -> None:
        try:
            problems = backup_check_archive(source=source)
            if not archive_only:
                problems += backup_verify(source=source, storage=default_storage)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            raise CommandError("differs from the backup:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS(f"Matches {source}"))
