"""Texts from data by language: one rule (the reader's language, then English, then
bokmål), and the seeded data lacks no language of settings.LANGUAGES."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from django.conf import settings
from django.utils import translation
from pypdf import PdfReader

from cases.models import Topic
from config.texts import text_for, texts_missing
from contacts.models import HouseholdMember, Municipality, Newcomer, Organisation
from demo.onboarding import local_offers_seed
from demo.people import organisations_seed
from demo.replies import REPLY_TEMPLATES
from onboarding.models import LocalOffer, OnboardingTemplate, PlanStep, TemplateStep
from onboarding.pdf import render_welcome_pack
from onboarding.services import plan_start

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def test_texts_fallback_rule():
    texts = {"nb": "Bolig", "en": "Housing", "pl": "Mieszkanie"}
    assert text_for(texts, "pl") == "Mieszkanie"
    assert text_for(texts, "uk") == "Housing"  # then English
    assert text_for({"nb": "Bolig", "pl": ""}, "pl") == "Bolig"  # then bokmål
    assert text_for({"de": "Wohnung"}, "pl") == "Wohnung"  # then any it has
    assert text_for({}, "pl") == "" and text_for(None) == ""
    with translation.override("pl"):
        assert text_for(texts) == "Mieszkanie"  # the active language by default
    with translation.override("en-gb"):
        assert text_for(texts) == "Housing"
    assert texts_missing({"nb": "x", "en": " "}, LANGUAGES) == ["en", "pl", "uk", "ar"]


def _missing_report(rows) -> dict[str, list[str]]:
    """{language: ["what", …]} of every text lacking that language."""
    report: dict[str, list[str]] = {}
    for label, texts in rows:
        for code in texts_missing(texts, LANGUAGES):
            report.setdefault(code, []).append(label)
    return report


def _seeded_rows() -> list[tuple[str, dict[str, str]]]:
    """Every text from data a newcomer reads, as seeded (migrations and the demo): topics,
    templates, template steps and their guidance, local offers, the organisations'
    descriptions and opening hours (where they have any), and the team's reply templates
    (one row per language, grouped by their position in demo.replies)."""
    local_offers_seed()
    organisations_seed()
    rows = [
        (f"topic {t.slug}: name", {"nb": t.name_nb, "en": t.name_en, **t.names})
        for t in Topic.objects.all()
    ]
    rows += [(f"template {t.slug}: name", t.names) for t in OnboardingTemplate.objects.all()]
    for step in TemplateStep.objects.select_related("template"):
        rows.append((f"step {step.template.slug}/{step.key}: title", step.titles))
        if step.guidance_en:
            rows.append((f"step {step.template.slug}/{step.key}: guidance", step.guidances))
    rows += [(f"offer {o.name}: description", o.descriptions) for o in LocalOffer.objects.all()]
    for org in Organisation.objects.all():
        rows.append((f"organisation {org.name}: description", org.descriptions))
        if org.opening_hours_texts:
            rows.append((f"organisation {org.name}: opening hours", org.opening_hours_texts))
    replies: dict[str, dict[str, str]] = {}
    for _name, language, body in REPLY_TEMPLATES:
        texts = next((t for t in replies.values() if language not in t), None)
        if texts is None:
            texts = replies.setdefault(f"reply template {len(replies) + 1}", {})
        texts[language] = body
    rows += list(replies.items())
    return rows


@pytest.mark.django_db
def test_texts_seeded_data_lacks_no_language():
    rows = _seeded_rows()
    assert len(rows) > 60
    kinds = {label.split()[0] for label, _texts in rows}
    assert kinds >= {"topic", "template", "step", "offer", "organisation"}
    assert sum("opening hours" in label for label, _texts in rows) >= 4
    assert _missing_report(rows) == {}


@pytest.mark.django_db
def test_texts_missing_report_lists_each_language_of_seeded_data():
    """The report a failing run prints: per language, what lacks it."""
    TemplateStep.objects.filter(key="car").update(titles={"nb": "Bil", "en": "Car"})
    Topic.objects.filter(slug="housing").update(names={"pl": "Mieszkanie"})
    Organisation.objects.create(
        name="Bjerkvik skole",
        kind="school",
        opening_hours_texts={"nb": "Man-fre 08-14", "en": "Mon-Fri 08-14", "pl": "pon.-pt."},
        descriptions={"nb": "Barneskole"},
    )
    report = _missing_report(_seeded_rows())
    assert set(report) == {"en", "pl", "uk", "ar"}
    assert report["en"] == ["organisation Bjerkvik skole: description"]
    assert "topic housing: name" in report["uk"] and "topic housing: name" in report["ar"]
    assert "topic housing: name" not in report["pl"]
    assert "step moving-to-the-region/car: title" in report["pl"]
    assert "organisation Bjerkvik skole: opening hours" in report["uk"]
    assert "organisation Bjerkvik skole: opening hours" not in report["pl"]


@pytest.mark.django_db
def test_texts_demo_seed_fills_only_a_text_the_organisation_has_in_no_language():
    nav = organisations_seed()["nav"]
    Organisation.objects.filter(pk=nav.pk).update(
        opening_hours_texts={"en": "Weekdays 09-14"}, descriptions={}
    )
    nav = organisations_seed()["nav"]
    # The team's English stays alone: demo hours in other languages would contradict it.
    assert nav.opening_hours_texts == {"en": "Weekdays 09-14"}
    assert text_for(nav.opening_hours_texts, "ar") == "Weekdays 09-14"
    assert texts_missing(nav.descriptions, LANGUAGES) == []  # empty everywhere: seeded


@pytest.mark.django_db
def test_texts_missing_report_names_what_lacks_which_language():
    step = TemplateStep.objects.get(template__slug="moving-to-the-region", key="housing")
    step.titles = {"nb": "Bolig", "en": "Housing"}
    rows = [("step housing: title", step.titles), ("other", {"nb": "x", "en": "y", "pl": "z"})]
    assert _missing_report(rows) == {
        "pl": ["step housing: title"],
        "uk": ["step housing: title", "other"],
        "ar": ["step housing: title", "other"],
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "offer_text"),
    [
        ("pl", "Gminne przedszkole w Bjerkvik."),
        ("uk", "Комунальний дитячий садок у Б'єрквіку."),  # noqa: RUF001
    ],
)
def test_texts_welcome_pack_has_no_english_step_title(world, language, offer_text):
    narvik = Municipality.objects.get(name="Narvik")
    Newcomer.objects.filter(pk=world.newcomer.pk).update(
        municipality=narvik, locality=narvik.localities.get(name="Bjerkvik")
    )
    world.newcomer.refresh_from_db()
    HouseholdMember.objects.create(newcomer=world.newcomer, relation="partner", name="Piotr")
    HouseholdMember.objects.create(newcomer=world.newcomer, relation="child", birth_year=2023)
    HouseholdMember.objects.create(newcomer=world.newcomer, relation="child", birth_year=2018)
    local_offers_seed()
    with time_machine.travel(date(2026, 11, 27), tick=False):
        plan = plan_start(
            case=world.case,
            template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
            move_date=date(2027, 4, 1),
            from_abroad=True,
            eu_eea=False,
            long_stay=True,
            importing_car=True,
            actor=world.owner,
        )
    reader = PdfReader(BytesIO(render_welcome_pack(case=world.case, language=language)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    steps = list(PlanStep.objects.filter(plan=plan))
    assert len(steps) > 10
    for step in steps:
        assert step.titles[language] != step.titles["en"]
        assert step.titles["en"] not in text
        assert " ".join(step.titles[language].split()) in text
    assert offer_text in text
    assert "Municipal kindergarten" not in text


# Long enough to fill more than a page in the pack's half-width column.
LONG_DESCRIPTIONS = {
    "en": "We help newcomers with work, benefits and courses in Narvik. " * 50,
    "ar": "نساعد القادمين الجدد في العمل والمزايا والدورات في نارفيك. " * 52,
    # Within the screens' 600 characters, but one line each: taller than a page.
    "en-lines": "Narvik\n" * 85,
}


@pytest.mark.django_db
@pytest.mark.parametrize("texts", ["en", "ar", "en-lines"])
def test_texts_welcome_pack_builds_with_a_description_longer_than_a_page(world, texts):
    language = texts.split("-")[0]
    description = LONG_DESCRIPTIONS[texts][:3000]
    assert len(description) == 3000 or texts == "en-lines"
    # Saved on the model directly, as data from before the screens' limit could be.
    Organisation.objects.filter(pk=world.kommune.pk).update(descriptions={language: description})
    content = render_welcome_pack(case=world.case, language=language)
    reader = PdfReader(BytesIO(content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert content.startswith(b"%PDF") and reader.pages
    if language == "en":
        assert ("benefits and courses in Narvik" if texts == "en" else "Narvik Narvik") in text
