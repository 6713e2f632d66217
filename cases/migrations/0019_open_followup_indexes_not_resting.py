"""The indexes of open follow-ups without the resting ones (0017, 0018):

- cases_followup_open_due: "My work" and the reminders, by assignee and date.
- cases_followup_overdue (PostgreSQL): the overdue flag and the dashboard's count, by
  date.

Both are built under another name first and swapped in at the end (as reports 0003):
dropping an index locks the table out, reads included, until the migration commits, so
the drops come after the builds, which only hold writes.
"""

from django.db import migrations, models

from config.migration_sql import postgresql_only

OPEN_DUE = {
    "condition": models.Q(("done_at", None), ("rests", False)),
    "fields": ["assignee", "due_date"],
}
BUILD = [
    "DROP INDEX IF EXISTS cases_followup_overdue_next",
    "CREATE INDEX cases_followup_overdue_next "
    "ON cases_followup (due_date, case_id) WHERE done_at IS NULL AND NOT rests",
]
UNBUILD = ["DROP INDEX IF EXISTS cases_followup_overdue_next"]
SWAP = [
    "DROP INDEX IF EXISTS cases_followup_overdue",
    "ALTER INDEX cases_followup_overdue_next RENAME TO cases_followup_overdue",
]
UNSWAP = [
    "ALTER INDEX cases_followup_overdue RENAME TO cases_followup_overdue_next",
    "CREATE INDEX cases_followup_overdue "
    "ON cases_followup (due_date, case_id) WHERE done_at IS NULL",
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_rest_closed_cases_followups")]

    operations = [
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(**OPEN_DUE, name="cases_followup_open_due_next"),
        ),
        postgresql_only(BUILD, UNBUILD),
        migrations.RemoveIndex(model_name="followup", name="cases_followup_open_due"),
        migrations.RenameIndex(
            model_name="followup",
            new_name="cases_followup_open_due",
            old_name="cases_followup_open_due_next",
        ),
        postgresql_only(SWAP, UNSWAP),
    ]
