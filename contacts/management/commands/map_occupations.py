from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from contacts.occupation_mapping import map_free_text


class Command(BaseCommand):
    help = (
        "Codes free-text occupations that name exactly one ISCO-08/STYRK-08 group "
        "(newcomers and adult household members). Never changes a code already set; safe "
        "to run again. The rest are listed on the Unmapped occupations page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        result = map_free_text(dry_run=dry_run)
        verb = "Would code" if dry_run else "Coded"
        self.stdout.write(
            f"{verb} {result.newcomers} newcomers and {result.household_members} household members."
        )
