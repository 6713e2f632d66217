"""The indexes of open follow-ups without the resting ones (0017, 0018):

- cases_followup_open_due: "My work" and the reminders, by assignee and date.
- cases_followup_overdue (PostgreSQL): the overdue flag and the dashboard's count, by
  date. Built under another name first, then swapped (as reports/migrations/0003).
"""

from django.db import migrations, models

from config.migration_sql import postgresql_only

FORWARD = [
    "DROP INDEX IF EXISTS cases_followup_overdue_next",
    "CREATE INDEX cases_followup_overdue_next "
    "ON cases_followup (due_date, case_id) WHERE done_at IS NULL AND NOT rests",
    "DROP INDEX IF EXISTS cases_followup_overdue",
    "ALTER INDEX cases_followup_overdue_next RENAME TO cases_followup_overdue",
]
BACKWARD = [
    "DROP INDEX IF EXISTS cases_followup_overdue_next",
    "CREATE INDEX cases_followup_overdue_next "
    "ON cases_followup (due_date, case_id) WHERE done_at IS NULL",
    "DROP INDEX IF EXISTS cases_followup_overdue",
    "ALTER INDEX cases_followup_overdue_next RENAME TO cases_followup_overdue",
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_rest_closed_cases_followups")]

    operations = [
        migrations.RemoveIndex(model_name="followup", name="cases_followup_open_due"),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("done_at", None), ("rests", False)),
                fields=["assignee", "due_date"],
                name="cases_followup_open_due",
            ),
        ),
        postgresql_only(FORWARD, BACKWARD),
    ]
