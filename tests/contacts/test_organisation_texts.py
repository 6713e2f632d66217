"""Organisations' texts by language: contacts 0016 files the old one-language opening
hours under the language they were written in, and the Django admin leaves the texts to
the administration screens, which check them."""

import importlib
from types import SimpleNamespace

import pytest

from contacts.models import Organisation

migration = importlib.import_module("contacts.migrations.0016_organisation_texts_by_language")


class _Organisations:
    """The historical model as the migration's function uses it, without a database."""

    def __init__(self, rows):
        self.rows = rows

    def exclude(self, **_lookups):
        return [row for row in self.rows if row.opening_hours]


def _row(hours):
    row = SimpleNamespace(opening_hours=hours, opening_hours_texts={})
    row.save = lambda update_fields: None
    return row


def test_migration_keeps_old_hours_in_bokmal_and_the_demos_english_hours_in_english():
    old_help_text_hours = "man.–fre. 08.00–15.30"  # noqa: RUF001
    team, demo, empty = _row(old_help_text_hours), _row("Mon-Fri 08:00-15:30"), _row("")
    apps = SimpleNamespace(
        get_model=lambda *_: SimpleNamespace(objects=_Organisations([team, demo, empty]))
    )
    migration.hours_to_languages(apps, None)
    assert team.opening_hours_texts == {"nb": old_help_text_hours}
    assert demo.opening_hours_texts == {"en": "Mon-Fri 08:00-15:30"}
    assert empty.opening_hours_texts == {}
    assert migration.hours_language("Mon-Thu 10:00-15:00") == "en"
    assert migration.hours_language("Mon-Fri 08:00-16:00") == "nb"  # not a demo value


@pytest.mark.django_db
def test_django_admin_leaves_the_texts_by_language_to_the_administration_screens(admin_client):
    organisation = Organisation.objects.create(
        name="NAV Narvik", kind="nav", descriptions={"nb": "Arbeid og ytelser."}
    )
    page = admin_client.get(f"/admin/contacts/organisation/{organisation.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="name"' in html
    assert 'name="descriptions"' not in html and 'name="opening_hours_texts"' not in html
    response = admin_client.post(
        f"/admin/contacts/organisation/{organisation.pk}/change/",
        {
            "name": "NAV Narvik",
            "kind": "nav",
            "descriptions": "null",  # ignored: not a field of the admin's form
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.descriptions == {"nb": "Arbeid og ytelser."}
