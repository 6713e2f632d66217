"""The Jinja2 environment of the staff pages (config/jinja2.py)."""

from datetime import UTC, datetime

from django.template import engines
from django.urls import reverse
from django.utils import translation

from config.jinja2 import date, url_format


def test_jinja2_escapes_and_translates_with_django_catalogues():
    template = engines["jinja2"].from_string('{{ name }} · {{ _("Cases") }}')
    with translation.override("nb"):
        assert template.render({"name": "<b>x</b>"}) == "&lt;b&gt;x&lt;/b&gt; · Saker"


def test_jinja2_date_shows_an_aware_datetime_in_the_local_time_zone(settings):
    settings.TIME_ZONE = "Europe/Oslo"
    late = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)  # 00:30 on the 3rd in Oslo
    with translation.override("nb"):
        assert date(late, "Y-m-d H:i") == "2026-12-03 00:30"
    assert date(None) == ""


def test_jinja2_url_format_gives_the_address_reverse_gives():
    assert url_format("cases:detail").format(42) == reverse("cases:detail", args=[42])


def test_jinja2_escapes_a_translation_in_an_attribute(monkeypatch):
    """A translation with a quote or a tag stays text, as Django's {% translate %} keeps it;
    the placeholders are escaped too."""
    fake = {"Cases": 'a"b<i>', "Hello %(name)s": 'a"b<i> %(name)s'}
    monkeypatch.setattr(translation, "gettext", fake.get)
    template = engines["jinja2"].from_string(
        '<a title="{{ _("Cases") }}">{% trans name=name %}Hello {{ name }}{% endtrans %}</a>'
    )
    html = template.render({"name": "<b>"})
    assert html == ('<a title="a&#34;b&lt;i&gt;">a&#34;b&lt;i&gt; &lt;b&gt;</a>')
