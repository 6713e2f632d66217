"""The kindergarten step links to Narvik kommune's page on applying for a kindergarten
place (issue 18), not the municipality's front page.

The page ("Søke, bytte eller si opp barnehageplass") says what the guidance says: one
joint admission for all kindergartens, the 1 March deadline, applications all year, and
that an applicant without a Norwegian national ID number contacts the kindergarten office;
its button leads to the application portal. It exists in bokmål only, so every language
reads it (config.texts fallback). A step whose source an administrator has changed since
the seed is left alone.
"""

from datetime import date

from django.db import migrations

FRONT_PAGE = "https://www.narvik.kommune.no/"
APPLICATION_PAGE = (
    "https://www.narvik.kommune.no/tjenester/barnehage-skole-og-sfo/barnehage/"
    "soke-bytte-eller-si-opp-barnehageplass/"
)
CHECKED_ON = date(2026, 12, 2)


def forwards(apps, schema_editor):
    Step = apps.get_model("onboarding", "TemplateStep")
    for step in Step.objects.filter(key="kindergarten", source_url=FRONT_PAGE):
        if any(url != FRONT_PAGE for url in (step.source_urls or {}).values()):
            continue  # a page per language chosen by an administrator: theirs to keep
        step.source_url = APPLICATION_PAGE
        step.source_urls = {"nb": APPLICATION_PAGE}
        step.checked_on = CHECKED_ON
        step.save(update_fields=["source_url", "source_urls", "checked_on"])


def backwards(apps, schema_editor):
    Step = apps.get_model("onboarding", "TemplateStep")
    for step in Step.objects.filter(key="kindergarten", source_url=APPLICATION_PAGE):
        step.source_url = FRONT_PAGE
        step.source_urls = {}
        step.save(update_fields=["source_url", "source_urls"])


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0011_reset_sequences")]

    operations = [migrations.RunPython(forwards, backwards)]
