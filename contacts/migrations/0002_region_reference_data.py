"""The team's region as default reference data; editable in admin afterwards."""

from django.db import migrations

REGION = {
    ("1806", "Narvik"): ["Narvik", "Ballangen", "Beisfjord", "Bjerkvik", "Håkvik", "Kjøpsvik"],
    ("5516", "Gratangen"): ["Årstein"],
    ("1853", "Evenes"): ["Bogen", "Evenes", "Liland"],
}


def load(apps, schema_editor):
    Municipality = apps.get_model("contacts", "Municipality")
    Locality = apps.get_model("contacts", "Locality")
    for (number, name), localities in REGION.items():
        municipality, _ = Municipality.objects.get_or_create(number=number, defaults={"name": name})
        for locality in localities:
            Locality.objects.get_or_create(municipality=municipality, name=locality)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
