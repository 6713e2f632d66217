"""A plan step rests while its case is closed (cases.selectors.case_work_rests): `rests`
holds the answer on the row, set here for the steps of cases closed already, and the index
of open steps by assignee ("My work", the reminders) leaves resting ones out. At a million
cases (bench/seed.py) the update sets 3.4 million rows: about a minute and a half on this
project's test machine."""

from django.conf import settings
from django.db import migrations, models


def rest_closed_cases_steps(apps, schema_editor) -> None:
    PlanStep = apps.get_model("onboarding", "PlanStep")
    PlanStep.objects.filter(plan__case__status="closed").update(rests=True)


class Migration(migrations.Migration):
    # Step by step, not in one transaction: the new column (with a default in the
    # database, so the previous release's code can still add rows) is committed at once,
    # and the update takes row locks only, so the table stays readable and writable while
    # it runs, instead of locked out for all of it behind ALTER TABLE.
    atomic = False

    dependencies = [
        ("cases", "0017_work_rests_while_case_closed"),
        ("contacts", "0018_occupation_uncoded_indexes"),
        ("onboarding", "0012_kindergarten_application_page"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="planstep",
            name="rests",
            field=models.BooleanField(
                default=False, db_default=False, editable=False, verbose_name="resting"
            ),
        ),
        migrations.RunPython(rest_closed_cases_steps, migrations.RunPython.noop, atomic=True),
        migrations.RemoveIndex(model_name="planstep", name="onboarding_step_open_due"),
        migrations.AddIndex(
            model_name="planstep",
            index=models.Index(
                condition=models.Q(("rests", False), ("status", "open")),
                fields=["assignee", "due_date"],
                name="onboarding_step_open_due",
            ),
        ),
    ]
