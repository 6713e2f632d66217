"""Arabic in PDFs (config.pdf.pdf_text): letters in their joined forms, lines in visual
order, a long paragraph's lines in reading order, and the welcome pack set right to left."""

import io
import os
import subprocess
from datetime import date
from pathlib import Path

import arabic_reshaper
import pytest
import time_machine
from django.utils import translation
from pypdf import PdfReader

from config import pdf
from contacts.models import HouseholdMember, Municipality, Newcomer
from demo.onboarding import local_offers_seed
from onboarding.models import OnboardingTemplate, PlanStep
from onboarding.pdf import render_welcome_pack
from onboarding.services import plan_start

ROOT = Path(__file__).resolve().parent.parent


def _joined(text: str) -> str:
    return str(arabic_reshaper.reshape(text))


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_text_joins_arabic_letters_and_orders_the_line():
    shaped = pdf.pdf_text("خطّتك", "ar")
    # Presentation forms (U+FB50 to U+FEFF), drawn left to right: the last letter first.
    assert all("\ufb50" <= ch <= "\ufeff" or ch == "\u0651" for ch in shaped), shaped
    assert shaped[0] == "\ufeda"  # ك, final form, is leftmost
    assert pdf.pdf_text("Narvik 2027", "ar") == "Narvik 2027"  # a left-to-right run stays
    assert pdf.pdf_text("https://nav.no/en/", "ar") == "https://nav.no/en/"  # whole
    assert pdf.pdf_text("Łucja", "pl") == "Łucja"  # other languages untouched
    # An Arabic name in a Norwegian line is shaped too, within its left-to-right line.
    assert pdf.pdf_text("Navn: سلمى", "nb").startswith("Navn: ")
    assert "سلمى" not in pdf.pdf_text("Navn: سلمى", "nb")


def test_pdf_arabic_paragraph_keeps_its_lines_in_reading_order():
    words = [f"كلمة{n}" for n in range(60)]  # sixty numbered words, several lines
    with translation.override("ar"):
        flowable = pdf.paragraph(" ".join(words))
        content = pdf.document_render([flowable], title="T")
    lines = [line for line in _text(content).splitlines() if line.strip()]
    assert len(lines) > 2
    numbers = []
    for line in lines:  # each line reads right to left: its numbers rise leftwards
        found = [int(token[::-1]) for token in line.split() if token[::-1].isdigit()]
        found = [int("".join(ch for ch in token if ch.isdigit())) for token in line.split()]
        numbers.append(found[::-1])
    flat = [n for line in numbers for n in line]
    assert flat == list(range(60)), numbers


@pytest.fixture
def arabic_household(world):
    narvik = Municipality.objects.get(name="Narvik")
    Newcomer.objects.filter(pk=world.newcomer.pk).update(
        name="Salma Haddad",
        municipality=narvik,
        locality=narvik.localities.get(name="Bjerkvik"),
        preferred_language="ar",
    )
    world.newcomer.refresh_from_db()
    HouseholdMember.objects.create(newcomer=world.newcomer, relation="partner", name="Omar")
    HouseholdMember.objects.create(newcomer=world.newcomer, relation="child", birth_year=2023)
    HouseholdMember.objects.create(newcomer=world.newcomer, relation="child", birth_year=2018)
    local_offers_seed()
    with time_machine.travel(date(2026, 11, 27), tick=False):
        plan_start(
            case=world.case,
            template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
            move_date=date(2027, 4, 1),
            from_abroad=True,
            eu_eea=False,
            long_stay=True,
            importing_car=True,
            actor=world.owner,
        )
    world.case.refresh_from_db()
    return world.case


@pytest.mark.django_db
def test_pdf_arabic_welcome_pack_is_shaped_with_no_english_step_title(arabic_household):
    content = render_welcome_pack(case=arabic_household, language="ar")
    if os.environ.get("PACK_PNG"):  # a render to look at: PACK_PNG=/tmp/pack-ar
        path = Path(os.environ["PACK_PNG"]).with_suffix(".pdf")
        path.write_bytes(content)
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), str(path.with_suffix(""))])  # noqa: S603, S607
    text = _text(content)
    flat = " ".join(text.split())
    # pypdf gives a right-to-left run back in reading order, in the joined letter forms.
    assert _joined("خطّتك") in text  # the heading "Your plan", shaped
    assert "خطتك" not in text  # never the unjoined letters
    assert _joined("أبريل") in flat and "2027" in flat  # the move date, CLDR "ar"
    steps = list(PlanStep.objects.filter(plan__case=arabic_household))
    assert len(steps) > 10
    for step in steps:
        assert step.titles["ar"] and step.titles["en"] not in flat
    assert "Municipal kindergarten" not in flat
    assert PdfReader(io.BytesIO(content)).metadata.title == "حزمة الترحيب"
