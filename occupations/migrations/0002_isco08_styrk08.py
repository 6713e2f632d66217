"""ISCO-08 with STYRK-08's Norwegian titles and our synonyms (occupations/data says where
each comes from). A later change to the data files gets a new migration calling the same
occupations_load, which updates rows in place."""

from django.db import migrations


def load(apps, schema_editor):
    from occupations.data import occupations_load

    occupations_load(apps.get_model("occupations", "Occupation"))


class Migration(migrations.Migration):
    dependencies = [("occupations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
