"""Sets `rests` (0017) on the follow-ups of cases closed already. Row locks only: the
table stays readable while it runs."""

from django.db import migrations


def rest_closed_cases_followups(apps, schema_editor) -> None:
    FollowUp = apps.get_model("cases", "FollowUp")
    FollowUp.objects.filter(case__status="closed").update(rests=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_work_rests_while_case_closed")]

    operations = [migrations.RunPython(rest_closed_cases_followups, migrations.RunPython.noop)]
