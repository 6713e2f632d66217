"""The access log is the audit app's now (audit 0001 took the model over, table and all);
this removes it from the privacy app's state without touching the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_access_log_append_only"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AccessLogEntry")],
            database_operations=[],
        ),
    ]
