"""Organisations' opening hours become a text per language, and organisations get a
description per language, both read through config.texts.text_for.

The old one-language opening hours are kept under "en": the seeded ones were English
("Mon-Fri 08:00-15:30"); a team adds the other languages side by side in the
administration screens (the demo seed fills the languages still empty)."""

from django.db import migrations, models


def hours_to_languages(apps, schema_editor):
    Organisation = apps.get_model("contacts", "Organisation")
    for organisation in Organisation.objects.exclude(opening_hours=""):
        organisation.opening_hours_texts = {"en": organisation.opening_hours}
        organisation.save(update_fields=["opening_hours_texts"])


def hours_to_one_text(apps, schema_editor):
    Organisation = apps.get_model("contacts", "Organisation")
    for organisation in Organisation.objects.all():
        texts = organisation.opening_hours_texts or {}
        # The same order as config.texts.FALLBACK: English, then bokmål, then any.
        hours = texts.get("en") or texts.get("nb") or next(iter(texts.values()), "")
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
