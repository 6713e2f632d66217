"""Sends the monthly report e-mail by hand; beat runs the same service on the 1st."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reports.forms import MonthForm
from reports.services import monthly_report_send


class Command(BaseCommand):
    help = (
        "E-mail each active coordinator the monthly report PDF (default: last month). "
        "Each coordinator gets a month's report once, however often this runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM; default: last month")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many would get it; send nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        month: date | None = None
        if options["month"]:
            form = MonthForm({"month": options["month"]})
            this_month = timezone.localdate().replace(day=1)
            if not form.is_valid() or form.cleaned_data["month"] > this_month:
                raise CommandError("Give a month up to this one, as YYYY-MM.")
            month = form.cleaned_data["month"]
        result = monthly_report_send(month=month, dry_run=options["dry_run"])
        verb = "would be queued" if options["dry_run"] else "queued"
        self.stdout.write(
            f"{len(result.sent)} report(s) {verb}; {len(result.already)} already sent."
        )
