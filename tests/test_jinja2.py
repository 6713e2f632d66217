"""The Jinja2 environment of the staff pages (config/jinja2.py)."""

import re
from datetime import UTC, datetime

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import FollowUp
from config.jinja2 import date, url_format
from tests import factories as f


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


@pytest.mark.django_db
def test_jinja2_pages_mask_the_csrf_token_once_per_page_and_it_is_accepted(world):
    """config.jinja2.csrf_once: each form of a page carries the same masked token (Django's
    Jinja2 backend masked it again for each form), a new page a new one, and a form posted
    with it passes the CSRF check."""
    for _ in range(3):
        f.make_followup(case=world.case, assignee=world.owner, due_date=timezone.localdate())
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    pages = [client.get(reverse("cases:mine")).content.decode() for _ in range(2)]
    tokens = [re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page) for page in pages]
    assert len(tokens[0]) >= 4  # the language switch and one form per follow-up
    assert len(set(tokens[0])) == 1
    assert tokens[0][0] != tokens[1][0]
    followup = FollowUp.objects.filter(case=world.case, done_at=None).first()
    done = client.post(
        reverse("cases:followup-complete", args=[world.case.pk, followup.pk]),
        {"csrfmiddlewaretoken": tokens[0][0]},
    )
    assert done.status_code == 302
    followup.refresh_from_db()
    assert followup.done_at is not None
