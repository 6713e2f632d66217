# ruff: noqa: RUF001, RUF002 (Ukrainian text: its Cyrillic letters are meant)
"""Dates and times follow each language as the Unicode CLDR writes it (Babel carries the
data): British English, 24-hour time, and no doubled full stop after a Ukrainian date."""

import re
from datetime import date, datetime, time
from io import BytesIO
from pathlib import Path

import pytest
from babel.dates import format_date, format_time
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import formats, translation
from pypdf import PdfReader

from onboarding.pdf import render_welcome_pack
from tests.onboarding.test_welcome_pack import household  # noqa: F401 (fixture)
from tests.portal.conftest import portal  # noqa: F401 (fixture)

LOCALE = Path(__file__).resolve().parent.parent / "locale"
CLDR_LOCALE = {"nb": "nb", "en": "en_GB", "pl": "pl", "uk": "uk", "ar": "ar"}
DATES = [
    date(2026, 12, 2),
    date(2027, 3, 1),
    date(2027, 1, 30),
    date(2028, 10, 11),
    date(2027, 4, 1),
]
# Where we keep Django's format on purpose: CLDR's Ukrainian short date has a two-digit
# year ("02.12.26"), too easy to misread on a deadline.
SHORT_KEPT = {"uk"}


def _spaces(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text)


def test_formats_cover_every_language():
    assert set(CLDR_LOCALE) == {code for code, _name in settings.LANGUAGES}


@pytest.mark.parametrize("language", list(CLDR_LOCALE))
def test_formats_dates_and_times_are_cldrs(language):
    cldr = CLDR_LOCALE[language]
    with translation.override(language):
        for day in DATES:
            assert _spaces(formats.date_format(day, "DATE_FORMAT")) == _spaces(
                format_date(day, "long", locale=cldr)
            )
            if language not in SHORT_KEPT:
                assert formats.date_format(day, "SHORT_DATE_FORMAT") == format_date(
                    day, "short", locale=cldr
                )
        for moment in (time(6, 53), time(18, 5)):
            assert formats.time_format(moment, "TIME_FORMAT") == format_time(
                moment, "short", locale=cldr
            )


def test_formats_english_is_british_with_a_24_hour_clock():
    with translation.override("en"):
        moment = datetime(2026, 12, 2, 18, 53)
        assert formats.date_format(moment, "DATE_FORMAT") == "2 December 2026"
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "02/12/2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "2 December 2026, 18:53"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "02/12/2026 18:53"


def test_formats_ukrainian_sentences_do_not_double_the_dates_full_stop():
    """A Ukrainian long date ends in "р.", so a sentence ending in a date placeholder takes
    no full stop of its own."""
    with (LOCALE / "uk" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalog = read_po(handle)
    doubled = [
        message.id
        for message in catalog
        if isinstance(message.string, str)
        and re.search(r"(%\(date\)s|\{\{ ?date ?\}\})\.$", message.string)
    ]
    assert doubled == []


def _pack_text(case, language: str) -> str:
    reader = PdfReader(BytesIO(render_welcome_pack(case=case, language=language)))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "move_date", "header"),
    [
        ("en", "1 April 2027", "Done"),
        ("nb", "1. april 2027", "Utført"),
        ("pl", "1 kwietnia 2027", "Zrobione"),
        ("uk", "1 квітня 2027 р.", "Виконано"),
    ],
)
def test_formats_welcome_pack_dates_and_checklist_header(
    world,
    household,  # noqa: F811
    language,
    move_date,
    header,
):
    text = _spaces(_pack_text(world.case, language))
    assert move_date in " ".join(text.split())
    assert "р.." not in text
    # The header is one word on one line, not broken inside it ("Utfør" / "t").
    assert re.search(rf"(^|\s){header}(\s|$)", text), text[:800]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "move_date"),
    [("/en", "1 April 2027"), ("", "1. april 2027"), ("/uk", "1 квітня 2027\u00a0р.")],
)
def test_formats_newcomer_page_shows_the_move_date_in_the_language(
    client,
    portal,  # noqa: F811
    prefix,
    move_date,
):
    html = client.get(prefix + portal.path).content.decode()
    assert f">{move_date}</time>" in html
