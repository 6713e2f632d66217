"""The starting set of topics an enquiry can be about; editable in admin afterwards."""

from django.db import migrations

TOPICS = [
    ("jobs", "Jobb", "Jobs"),
    ("partner-job", "Jobb for partner", "A job for my partner"),
    ("housing", "Bolig", "Housing"),
    ("kindergarten", "Barnehage", "Kindergarten"),
    ("school", "Skole og SFO", "School and after-school care"),
    ("health", "Helse og fastlege", "Health and GP"),
    ("norwegian", "Norskopplæring", "Norwegian courses"),
    ("leisure", "Fritid og lag og foreninger", "Leisure and associations"),
    ("transport", "Transport", "Transport"),
    ("business", "Starte bedrift", "Starting a business"),
    ("other", "Annet", "Other"),
]


def load(apps, schema_editor):
    Topic = apps.get_model("cases", "Topic")
    for position, (slug, name_nb, name_en) in enumerate(TOPICS):
        Topic.objects.get_or_create(
            slug=slug, defaults={"name_nb": name_nb, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
