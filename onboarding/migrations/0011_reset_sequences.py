"""Data migrations before this one created templates and steps with explicit ids, which
leaves PostgreSQL's id sequences behind, so the next step saved from the administration
screens collided with an existing id. This moves each sequence past the highest id (nothing
to do on SQLite)."""

from django.core.management.color import no_style
from django.db import migrations


def sequences_reset(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    models = list(apps.get_app_config("onboarding").get_models())
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0010_d_number_after_registration")]

    operations = [migrations.RunPython(sequences_reset, migrations.RunPython.noop)]
