# ruff: noqa: RUF001 (Arabic text: its letters are meant)
"""Arabic names for the starting topics (Arabic is the fifth public language).

Only fills a topic that has no Arabic name yet, so names edited in admin are kept.
NEEDS NATIVE REVIEW (ar): docs/translations.md.
"""

from django.db import migrations

NAMES = {
    "jobs": "العمل",
    "partner-job": "عمل لشريك الحياة",
    "housing": "السكن",
    "kindergarten": "روضة الأطفال",
    "school": "المدرسة ورعاية ما بعد المدرسة",
    "health": "الصحة وطبيب الأسرة",
    "norwegian": "دورات اللغة النرويجية",
    "leisure": "وقت الفراغ والجمعيات",
    "transport": "المواصلات",
    "business": "تأسيس مشروع تجاري",
    "other": "غير ذلك",
}


def fill(apps, schema_editor):
    Topic = apps.get_model("cases", "Topic")
    for topic in Topic.objects.filter(slug__in=NAMES):
        if not (topic.names or {}).get("ar"):
            topic.names = {**(topic.names or {}), "ar": NAMES[topic.slug]}
            topic.save(update_fields=["names"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_search_unaccent")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
