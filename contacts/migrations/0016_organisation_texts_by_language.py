"""Organisations' opening hours become a text per language, and organisations get a
description per language, both read through config.texts.text_for.

The old one-language opening hours are kept in the site's language (settings.LANGUAGE_CODE,
bokmål: the old help text asked for "man.–fre. 08.00–15.30"), except the English ones
the demo seeded, which are kept under "en"; a team adds the other languages side by side
in the administration screens."""

from django.conf import settings
from django.db import migrations, models

# The opening hours demo.people seeded before this migration, in English.
DEMO_HOURS_ENGLISH = {
    "Mon-Fri 08:00-15:30",
    "Mon-Fri 08:00-15:00",
    "Mon-Fri 09:00-14:00",
    "Mon-Thu 10:00-15:00",
}


def hours_language(hours: str) -> str:
    return "en" if hours in DEMO_HOURS_ENGLISH else settings.LANGUAGE_CODE.split("-")[0]


def hours_to_languages(apps, schema_editor):
    Organisation = apps.get_model("contacts", "Organisation")
    for organisation in Organisation.objects.exclude(opening_hours=""):
        hours = organisation.opening_hours
        organisation.opening_hours_texts = {hours_language(hours): hours}
        organisation.save(update_fields=["opening_hours_texts"])


def hours_to_one_text(apps, schema_editor):
    Organisation = apps.get_model("contacts", "Organisation")
    for organisation in Organisation.objects.all():
        texts = organisation.opening_hours_texts or {}
        # The site's language first, as the one text was written before.
        code = settings.LANGUAGE_CODE.split("-")[0]
        hours = texts.get(code) or texts.get("en") or next(iter(texts.values()), "")
        organisation.opening_hours = hours[:200]
        organisation.save(update_fields=["opening_hours"])


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0015_newcomer_citizenship_arabic"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="opening_hours_texts",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="As the newcomer should read it, e.g. “Monday to Friday, 08:00-15:30”.",
                verbose_name="opening hours in each language",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="descriptions",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="What the organisation does for newcomers, in a sentence or two.",
                verbose_name="description in each language",
            ),
        ),
        migrations.RunPython(hours_to_languages, hours_to_one_text),
        migrations.RemoveField(model_name="organisation", name="opening_hours"),
    ]
