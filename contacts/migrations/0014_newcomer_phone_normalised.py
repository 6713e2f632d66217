"""The newcomer's phone number in one form, for the case search (cases.search): the column,
then every stored number normalised (contacts.phones.phone_search_key)."""

from django.db import migrations, models

from contacts.phones import phone_search_key


def fill(apps, schema_editor) -> None:
    Newcomer = apps.get_model("contacts", "Newcomer")
    batch = []
    for newcomer in Newcomer.objects.exclude(phone="").only("pk", "phone").iterator():
        newcomer.phone_normalised = phone_search_key(newcomer.phone)
        batch.append(newcomer)
        if len(batch) >= 1000:
            Newcomer.objects.bulk_update(batch, ["phone_normalised"])
            batch = []
    Newcomer.objects.bulk_update(batch, ["phone_normalised"])


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0013_organisation_address_opening_hours"),
    ]

    operations = [
        migrations.AddField(
            model_name="newcomer",
            name="phone_normalised",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=40),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
