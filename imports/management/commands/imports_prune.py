from django.core.management.base import BaseCommand

from imports.uploads import uploads_prune


class Command(BaseCommand):
    help = "Deletes uploaded spreadsheets left behind by imports never finished."

    def handle(self, *args: object, **options: object) -> None:
        deleted = uploads_prune()
        self.stdout.write(f"{deleted} file(s) deleted")
