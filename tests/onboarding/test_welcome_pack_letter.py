# ruff: noqa: RUF001 (Ukrainian dates: their Cyrillic letters are meant)
"""The welcome pack as a letter: one household's pack in every public language, read back
with pypdf, and its QR code decoded from the rendered first page."""

import os
import re
import shutil
import subprocess
import unicodedata
from datetime import date, time
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

from config.texts import text_for
from contacts.models import HouseholdMember, Municipality, Newcomer, Organisation
from contacts.services import newcomer_link_issue
from demo.people import ORGANISATION_TEXTS
from onboarding.models import LocalOffer, OfferDate, OnboardingTemplate, PlanStep
from onboarding.pdf import render_welcome_pack
from onboarding.services import plan_start

TODAY = date(2026, 11, 27)
MOVE = date(2027, 4, 1)
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The date the letter is written and the move date, by CLDR's long format per language (a
# language added later is checked against its own format module).
LETTER_DATES = {
    "nb": ("27. november 2026", "1. april 2027"),
    "en": ("27 November 2026", "1 April 2027"),
    "pl": ("27 listopada 2026", "1 kwietnia 2027"),
    "uk": ("27 листопада 2026\u00a0р.", "1 квітня 2027\u00a0р."),
}
# The ID check, 8 days after the move, in the plan's "When" column.
SHORT_DATES = {
    "nb": "09.04.2027",
    "en": "09/04/2027",
    "pl": "9.04.2027",
    "uk": "09.04.2027",
    # 9/4/2027 as printed right to left: the year stands leftmost.
    "ar": "2027/4/9",
}


@pytest.fixture
def letter(world):
    """Łucja moves to Bjerkvik with a child of three; the municipality handles her case and
    has its address and opening hours filled in; a kindergarten with dates suits her."""
    narvik = Municipality.objects.get(name="Narvik")
    Newcomer.objects.filter(pk=world.newcomer.pk).update(
        name="Łucja Wiśniewska",
        municipality=narvik,
        locality=narvik.localities.get(name="Bjerkvik"),
        target_group="eu_worker",
    )
    world.newcomer.refresh_from_db()
    Organisation.objects.filter(pk=world.case.responsible_organisation_id).update(
        phone="+47 76 00 10 00",
        email="tilflytter@narvik.example",
        address="Kongens gate 51\n8514 Narvik",
        opening_hours_texts=ORGANISATION_TEXTS["kommune"]["opening_hours_texts"],
        descriptions=ORGANISATION_TEXTS["kommune"]["descriptions"],
    )
    world.case.refresh_from_db()
    HouseholdMember.objects.create(newcomer=world.newcomer, relation="child", birth_year=2023)
    offer = LocalOffer.objects.create(
        name="Bjerkvik barnehage",
        kind="kindergarten",
        age_min=1,
        age_max=5,
        municipality=narvik,
        descriptions={"en": "A kindergarten by the fjord.", "nb": "En barnehage ved fjorden."},
        contact="Kari Nilsen",
        phone="+47 76 00 60 00",
        email="bjerkvik@barnehage.example",
        address="Bjerkvikveien 1, 8530 Bjerkvik",
        url="https://www.narvik.kommune.no/barnehage",
    )
    OfferDate.objects.create(offer=offer, date=date(2026, 11, 1))  # past: not shown
    OfferDate.objects.create(offer=offer, date=date(2026, 12, 3), time=time(18, 0))
    OfferDate.objects.create(offer=offer, date=date(2027, 1, 14))
    with time_machine.travel(TODAY, tick=False):
        plan_start(
            case=world.case,
            template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
            move_date=MOVE,
            from_abroad=True,
            eu_eea=True,
            long_stay=True,
            importing_car=False,
            actor=world.owner,
        )
    path = newcomer_link_issue(newcomer=world.newcomer, actor=world.owner)
    return settings.SITE_URL + path


def _render(case, language: str, link_url: str | None) -> bytes:
    with time_machine.travel(TODAY, tick=False):
        return render_welcome_pack(case=case, language=language, link_url=link_url)


def _words(text: str) -> str:
    """The text with every run of spaces (no-break ones included) as one space."""
    return " ".join(text.split())


def _has(flat: str, text: str) -> bool:
    """Whether the pack's text holds `text`. Right to left, the PDF holds shaped letters,
    lines in visual order with mirrored brackets, and may break inside the text; the text
    extractor gives a word's letters either way round. So every word must be there, in
    either direction, compared as plain letters (NFKC maps the shaped forms back)."""
    if not translation.get_language_bidi():
        return _words(text) in flat
    normal = _letters(flat)
    # Words split where the script changes ("وBankID"), each run in either direction.
    runs = re.findall(r"[\u0600-\u06ff]+|[^\s\u0600-\u06ff]+", _letters(text))
    return all(run in normal or run[::-1] in normal for run in runs)


def _letters(text: str) -> str:
    """NFKC without vowel marks, right-to-left marks and brackets."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn" and c != "\u200f")
    return text.translate(str.maketrans("()[]:", "     "))


def _flat(content: bytes) -> tuple[str, int]:
    reader = PdfReader(BytesIO(content))
    return _words("\n".join(page.extract_text() for page in reader.pages)), len(reader.pages)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_welcome_pack_letter_in_each_public_language(world, letter, language):
    content = _render(world.case, language, letter)
    flat, pages = _flat(content)
    with translation.override(language):
        # Page numbers on every page, in the pack's language.
        assert pages >= 2
        for number in range(1, pages + 1):
            page = _("Page %(number)d of %(count)d") % {"number": number, "count": pages}
            assert _has(flat, page)
        # Dates as the locale writes them.
        written, moving = LETTER_DATES.get(
            language,
            (formats.date_format(TODAY, "DATE_FORMAT"), formats.date_format(MOVE, "DATE_FORMAT")),
        )
        assert _has(flat, written) and _has(flat, moving)
        id_check = date(2027, 4, 9)
        assert _has(
            flat, SHORT_DATES.get(language, formats.date_format(id_check, "SHORT_DATE_FORMAT"))
        )
        # The plan's step titles are the pack's language, none left in English.
        steps = PlanStep.objects.filter(plan__case=world.case).exclude(status="skipped")
        assert steps.count() >= 5
        for step in steps:
            assert _has(flat, text_for(step.titles, language))
            english = text_for(step.titles, "en")
            if language != "en" and english != text_for(step.titles, language):
                assert english not in flat, (language, english)
        # The letterhead: the team, its phone, address and opening hours, and under "Your
        # contacts" what the organisation does; both texts in the pack's language.
        assert settings.TEAM_NAME in flat
        assert "+47 76 00 10 00" in flat and "Kongens gate 51" in flat
        texts = ORGANISATION_TEXTS["kommune"]
        assert _has(flat, texts["opening_hours_texts"][language])
        assert _has(flat, texts["descriptions"][language])
        if language != "en":
            assert texts["opening_hours_texts"]["en"] not in flat
            assert texts["descriptions"]["en"][:40] not in flat
        # The offer with its contact, address, web address and next dates (the past one left
        # out), and the personal link written out.
        for detail in (
            "Kari Nilsen",
            "+47 76 00 60 00",
            "Bjerkvikveien 1, 8530 Bjerkvik",
            "https://www.narvik.kommune.no/barnehage",
            formats.date_format(date(2026, 12, 3), "DATE_FORMAT"),
            formats.date_format(date(2027, 1, 14), "DATE_FORMAT"),
        ):
            assert _has(flat, detail), detail
        assert _words(formats.date_format(date(2026, 11, 1), "DATE_FORMAT")) not in flat
    assert letter in flat.replace(" ", "")


def _pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pdftoppm (poppler-utils) is missing; .ci/run installs it")
        pytest.skip("needs pdftoppm (poppler-utils)")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_welcome_pack_qr_code_decodes_to_the_personal_link(world, letter, language, tmp_path):
    import zxingcpp

    pdftoppm = _pdftoppm()
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(_render(world.case, language, letter))
    subprocess.run(  # noqa: S603 (a fixed tool on our own file)
        [pdftoppm, "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    (png,) = Path(tmp_path).glob("page*.png")
    codes = zxingcpp.read_barcodes(Image.open(png))
    assert [code.text for code in codes if code.format == zxingcpp.BarcodeFormat.QRCode] == [letter]


@pytest.mark.django_db
def test_welcome_pack_without_link_has_no_code_and_no_secret(world, letter):
    """A stored or e-mailed pack: no personal link, as text or as a code."""
    flat, _pages = _flat(_render(world.case, "en", None))
    secret = letter.rstrip("/").rsplit("/", 1)[1]
    assert secret not in flat.replace(" ", "")
    assert "Your personal page" not in flat
