"""The uncoded occupation texts counted as they change (contacts.occupation_tally): the
table, its triggers on contacts_newcomer and contacts_householdmember, and the count of
the people there already (about 1 s at a million newcomers on PostgreSQL)."""

from django.db import migrations, models

from contacts.occupation_tally import occupation_tally_install, occupation_tally_uninstall


def install(apps, schema_editor) -> None:
    occupation_tally_install(schema_editor.connection.alias)


def uninstall(apps, schema_editor) -> None:
    occupation_tally_uninstall(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0018_occupation_uncoded_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="OccupationTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("newcomer", "Newcomer"), ("member", "Member")],
                        max_length=10,
                    ),
                ),
                ("occupation", models.CharField(max_length=200)),
                ("people", models.IntegerField()),
                ("compacted", models.BooleanField(default=False)),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("compacted", False)),
                        fields=["id"],
                        name="contacts_tally_changes",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("compacted", True)),
                        fields=("kind", "occupation"),
                        name="contacts_occupationtally_text",
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
