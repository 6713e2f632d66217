# ruff: noqa: RUF001, E501 (Ukrainian and Arabic text: their letters are meant; long sentences)
"""The D number's ID check comes after the police registration (issue 18, review).

A short-stay EU/EEA citizen who is not Nordic registers with the police first: the tax
office's ID check relies on the registration, as for the long-stay ID check (0008). The seeded
step `d-number` now waits for `eu-registration` and is due three days after it; where that
step does not apply (outside the EU/EEA, or Nordic) it falls back to three days after the
move (the ID check is in person, so not before arriving). Its guidance says so in every
language, in the id-check step's words (0008). A step an administrator has changed since the
seed (its English title, its anchor or its dependency) is left alone.
"""

from importlib import import_module

from django.db import migrations

SEED = import_module("onboarding.migrations.0002_templates")

OFFSET_DAYS = 3
POLICE_FIRST = {
    "nb": "EU/EØS-borgere som ikke er nordiske, registrerer seg hos politiet først.",
    "en": "EU/EEA citizens who are not Nordic register with the police first.",
    "pl": "Obywatele UE/EOG spoza krajów nordyckich najpierw rejestrują się na policji.",
    "uk": "Громадяни ЄС/ЄЕЗ, які не є громадянами Північних країн, спершу реєструються в поліції.",
    "ar": "ويسجّل مواطنو الاتحاد الأوروبي/المنطقة الاقتصادية الأوروبية من غير دول الشمال الأوروبي لدى الشرطة أولًا.",
}


def forwards(apps, schema_editor):
    Template = apps.get_model("onboarding", "OnboardingTemplate")
    Step = apps.get_model("onboarding", "TemplateStep")
    seeded = {spec["key"]: spec["title_en"] for spec in SEED.STEPS}
    for template in Template.objects.filter(slug__in=[t["slug"] for t in SEED.TEMPLATES]):
        steps = {step.key: step for step in Step.objects.filter(template=template)}
        registration, d_number = steps.get("eu-registration"), steps.get("d-number")
        if registration is None or d_number is None:
            continue
        if (
            d_number.titles.get("en", d_number.title_en) != seeded["d-number"]
            or d_number.anchor != "move_date"
            or d_number.depends_on_id is not None
        ):
            continue  # changed by an administrator: theirs to keep
        guidances = dict(d_number.guidances)
        for language, sentence in POLICE_FIRST.items():
            text = guidances.get(language)
            if text and sentence not in text:
                guidances[language] = f"{text} {sentence}"
        d_number.guidances = guidances
        d_number.guidance_nb, d_number.guidance_en = guidances.get("nb", ""), guidances.get("en", "")
        d_number.anchor = "after_step"
        d_number.offset_days = OFFSET_DAYS
        d_number.depends_on = registration
        d_number.save()


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0009_offer_event_dates")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
