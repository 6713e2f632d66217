"""A follow-up rests while its case is closed (cases.selectors.case_work_rests): `rests`
holds the answer on the row, set here for the follow-ups of cases closed already, and the
indexes of open follow-ups leave resting ones out.

- cases_followup_open_due: "My work" and the reminders, by assignee and date.
- cases_followup_overdue (PostgreSQL): the overdue flag and the dashboard's count, by
  date. Built under another name first, then swapped (as reports/migrations/0003).
"""

from django.conf import settings
from django.db import migrations, models

from config.migration_sql import postgresql_only

FORWARD = [
    "CREATE INDEX cases_followup_overdue_next "
    "ON cases_followup (due_date, case_id) WHERE done_at IS NULL AND NOT rests",
    "DROP INDEX IF EXISTS cases_followup_overdue",
    "ALTER INDEX cases_followup_overdue_next RENAME TO cases_followup_overdue",
]
BACKWARD = [
    "CREATE INDEX cases_followup_overdue_next "
    "ON cases_followup (due_date, case_id) WHERE done_at IS NULL",
    "DROP INDEX IF EXISTS cases_followup_overdue",
    "ALTER INDEX cases_followup_overdue_next RENAME TO cases_followup_overdue",
]


def rest_closed_cases_followups(apps, schema_editor) -> None:
    FollowUp = apps.get_model("cases", "FollowUp")
    FollowUp.objects.filter(case__status="closed").update(rests=True)


class Migration(migrations.Migration):
    # Step by step, not in one transaction: the new column (with a default in the
    # database, so the previous release's code can still add rows) is committed at once,
    # and the update takes row locks only, so the table stays readable and writable while
    # it runs, instead of locked out for all of it behind ALTER TABLE.
    atomic = False

    dependencies = [
        ("cases", "0016_owner_open_covers_dashboard"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="rests",
            field=models.BooleanField(
                default=False, db_default=False, editable=False, verbose_name="resting"
            ),
        ),
        migrations.RunPython(rest_closed_cases_followups, migrations.RunPython.noop, atomic=True),
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
