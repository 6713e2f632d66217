"""Polish and Ukrainian names for the starting topics (the public form's languages).

Only fills a language a topic has no name in yet, so names edited in admin are kept.
"""

from django.db import migrations

NAMES = {
    "jobs": {"pl": "Praca", "uk": "Робота"},
    "partner-job": {
        "pl": "Praca dla partnera lub partnerki",
        "uk": "Робота для партнера чи партнерки",
    },
    "housing": {"pl": "Mieszkanie", "uk": "Житло"},
    "kindergarten": {"pl": "Przedszkole", "uk": "Дитячий садок"},
    "school": {"pl": "Szkoła i świetlica", "uk": "Школа та група продовженого дня"},
    "health": {"pl": "Zdrowie i lekarz rodzinny", "uk": "Здоров’я та сімейний лікар"},
    "norwegian": {"pl": "Nauka języka norweskiego", "uk": "Курси норвезької мови"},
    "leisure": {"pl": "Czas wolny i stowarzyszenia", "uk": "Дозвілля, гуртки й товариства"},
    "transport": {"pl": "Transport", "uk": "Транспорт"},
    "business": {"pl": "Zakładanie firmy", "uk": "Відкриття власної справи"},
    "other": {"pl": "Inne", "uk": "Інше"},
}


def fill(apps, schema_editor):
    Topic = apps.get_model("cases", "Topic")
    for topic in Topic.objects.filter(slug__in=NAMES):
        names = dict(topic.names or {})
        for language, name in NAMES[topic.slug].items():
            names.setdefault(language, name)
        if names != topic.names:
            topic.names = names
            topic.save(update_fields=["names"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_topic_names")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
