"""`manage.py sync_resting_work`: sets each follow-up's and plan step's `rests` from its
case's status where they differ (cases.services.work_rests_sync), and each case's next
follow-up date from its open follow-ups (cases.followup_due.followup_due_sync). Run once
after an upgrade's rollout has finished (docs/operations.md); otherwise it finds nothing
to do."""

from typing import Any

from django.core.management.base import BaseCommand

from cases.followup_due import followup_due_sync
from cases.services import work_rests_sync


class Command(BaseCommand):
    help = (
        "Sets whether each follow-up and plan step rests from its case's status (closed or "
        "not), and each case's next follow-up date from its open follow-ups, wherever "
        "they differ. Run it once after an upgrade has rolled out."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = work_rests_sync()
        self.stdout.write(f"Set {changed} follow-ups and plan steps right.")
        dated = followup_due_sync()
        self.stdout.write(f"Set the next follow-up date of {dated} cases right.")
