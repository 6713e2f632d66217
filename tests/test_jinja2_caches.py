"""What config/jinja2.py keeps per process (a759b09): translated sentences (`_translated`)
and formatted days (`_date_formatted`) are kept per language, forgotten when settings
change, and a datetime is never served from the day cache."""

from datetime import UTC, date, datetime

import pytest
from django.template import engines
from django.utils import translation

from config import jinja2

DAY = date(2026, 6, 9)
IN_LANGUAGE = {"nb": "9. juni 2026", "en": "9 June 2026"}  # DATE_FORMAT in each


def render(source, language, **context):
    with translation.override(language):
        return engines["jinja2"].from_string(source).render(context)


@pytest.mark.parametrize("languages", [("nb", "en", "nb", "en"), ("en", "nb", "en", "nb")])
def test_jinja2_date_of_a_day_is_kept_per_language(languages):
    for language in languages:
        shown = render('{{ day|date("DATE_FORMAT") }}', language, day=DAY)
        assert shown == IN_LANGUAGE[language]
    assert jinja2._date_formatted.cache_info().currsize == 2


def test_jinja2_date_of_a_day_is_kept_per_format():
    assert render('{{ day|date("SHORT_DATE_FORMAT") }}', "nb", day=DAY) == "09.06.2026"
    assert render('{{ day|date("DATE_FORMAT") }}', "nb", day=DAY) == "9. juni 2026"
    assert render("{{ day|date }}", "en", day=DAY) == "9 June 2026"  # DATE_FORMAT by default


@pytest.mark.parametrize("first", ["nb", "en"])
def test_jinja2_translation_is_kept_per_language(first):
    expected = {"nb": "Saker", "en": "Cases"}
    second = "en" if first == "nb" else "nb"
    for language in (first, second) * 3:
        assert render('{{ _("Cases") }}', language) == expected[language]


def test_jinja2_kept_translation_is_escaped_only_where_autoescaping():
    # One cache for the HTML and the text parts ({% autoescape false %}): it keeps the
    # translation as written, and each part escapes it or not.
    html, text = '{{ _("a <b> c") }}', '{% autoescape false %}{{ _("a <b> c") }}{% endautoescape %}'
    assert render(f"{html}|{text}|{html}", "en") == "a &lt;b&gt; c|a <b> c|a &lt;b&gt; c"
    assert render(f"{text}|{html}", "nb") == "a <b> c|a &lt;b&gt; c"


def test_jinja2_caches_are_forgotten_when_settings_change(settings):
    render('{{ _("Cases") }} {{ day|date("DATE_FORMAT") }}', "nb", day=DAY)
    assert jinja2._translated.cache_info().currsize > 0
    assert jinja2._date_formatted.cache_info().currsize > 0
    settings.LANGUAGE_CODE = "en"
    assert jinja2._translated.cache_info().currsize == 0
    assert jinja2._date_formatted.cache_info().currsize == 0


def test_jinja2_date_follows_a_changed_format_setting(settings):
    # Without an active language Django formats by the settings (no locale's module).
    assert render('{{ day|date("DATE_FORMAT") }}', None, day=DAY) == "June 9, 2026"
    settings.DATE_FORMAT = "Y-m-d"
    assert render('{{ day|date("DATE_FORMAT") }}', None, day=DAY) == "2026-06-09"


def test_jinja2_datetime_is_not_served_from_the_day_cache(settings):
    settings.TIME_ZONE = "Europe/Oslo"
    morning = datetime(2026, 6, 9, 7, 0, tzinfo=UTC)  # 09:00 in Oslo
    evening = datetime(2026, 6, 9, 15, 30, tzinfo=UTC)  # 17:30 in Oslo
    source = '{{ moment|date("H:i") }}'
    assert render(source, "nb", moment=morning) == "09:00"
    assert render(source, "nb", moment=evening) == "17:30"
    assert render('{{ moment|date("j. F Y") }}', "nb", moment=morning) == "9. juni 2026"
    assert jinja2._date_formatted.cache_info().currsize == 0


def test_kept_texts_are_forgotten_when_runserver_reloads_a_catalogue():
    """runserver sends file_changed for a recompiled .mo and keeps running: the sentences
    and days kept by config.jinja2 must go with Django's catalogues. Other files keep them."""
    from pathlib import Path

    from django.utils.autoreload import file_changed

    render('{{ _("Cases") }} {{ day|date("DATE_FORMAT") }}', "nb", day=date(2026, 6, 9))
    file_changed.send(sender=None, file_path=Path("locale/nb/LC_MESSAGES/django.py"))
    assert jinja2._translated.cache_info().currsize == 1
    assert jinja2._date_formatted.cache_info().currsize == 1
    file_changed.send(sender=None, file_path=Path("locale/nb/LC_MESSAGES/django.mo"))
    assert jinja2._translated.cache_info().currsize == 0
    assert jinja2._date_formatted.cache_info().currsize == 0
