"""The outbox references its case by id instead of a foreign key: it sits below the cases
app (docs/architecture.md). The column "case_id" and its index stay as they are; only the
database's foreign-key constraint goes (cases are never deleted, only masked)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0002_outboundemail_headers"),
        ("cases", "0009_visibility_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboundemail",
            name="case",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="emails",
                to="cases.case",
                verbose_name="case",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="outboundemail", name="case"),
                migrations.AddField(
                    model_name="outboundemail",
                    name="case_id",
                    field=models.BigIntegerField(
                        blank=True, db_index=True, null=True, verbose_name="case"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
