"""The access log moves here from the privacy app. The table already exists (made by
privacy 0001, with its PostgreSQL append-only trigger from privacy 0002) and keeps its
name, so this migration changes Django's state only; privacy 0003 drops the model from
the privacy app's state."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("privacy", "0002_access_log_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AccessLogEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("role", models.CharField(max_length=20, verbose_name="role")),
                        ("action", models.CharField(choices=[("open", "Opened"), ("export", "Exported (JSON)"), ("pdf", "Downloaded as PDF"), ("erase", "Erased"), ("anonymise", "Anonymised (retention)")], max_length=20, verbose_name="action")),
                        ("object_type", models.CharField(choices=[("case", "Case"), ("newcomer", "Newcomer"), ("welcome_pack", "Welcome pack")], max_length=20, verbose_name="object")),
                        ("object_id", models.PositiveBigIntegerField(verbose_name="object id")),
                        ("newcomer_id", models.PositiveBigIntegerField(blank=True, null=True, verbose_name="newcomer id")),
                        ("case_id", models.PositiveBigIntegerField(blank=True, null=True, verbose_name="case id")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="time")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="user")),
                    ],
                    options={
                        "verbose_name": "access log entry",
                        "verbose_name_plural": "access log",
                        "db_table": "privacy_accesslogentry",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["case_id", "-created_at"], name="privacy_log_case_time"),
                            models.Index(fields=["user", "-created_at"], name="privacy_log_user_time"),
                            models.Index(fields=["newcomer_id"], name="privacy_log_newcomer"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
