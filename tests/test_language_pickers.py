"""Language pickers name each language in its own language, and the fields where people type
their own details say what they hold (WCAG 1.3.5: autocomplete; a number pad for phones)."""

import re

import pytest

from tests.portal.conftest import portal  # noqa: F401 (fixture)

OWN_NAMES = [
    ('lang="nb"', "Norsk bokmål"),
    ('lang="en"', "English"),
    ('lang="pl"', "Polski"),
    ('lang="uk"', "Українська"),
    ('lang="ar"', "العربية"),
]


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return [
        (lang, label.strip())
        for lang, label in re.findall(r"<option[^>]*?(lang=\"\w+\")[^>]*>([^<]*)", select[0])
    ]


def _input(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, name
    return found[0]


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "/en", "/pl", "/uk"])
def test_language_pickers_intake_names_each_language_in_its_own(client, prefix):
    html = client.get(f"{prefix}/intake/").content.decode()
    assert _options(html, "preferred_language") == OWN_NAMES
    # The header's switch as well (it offers the languages other than the page's).
    switch = re.findall(r'class="link-button" (lang="\w+")>([^<]*)</button>', html)
    assert set(switch) < set(OWN_NAMES)
    assert len(switch) == len(OWN_NAMES) - 1


@pytest.mark.django_db
def test_language_pickers_intake_fields_have_autocomplete_and_a_phone_pad(client):
    html = client.get("/en/intake/").content.decode()
    assert 'autocomplete="name"' in _input(html, "name")
    assert 'type="email"' in _input(html, "email")
    assert 'autocomplete="email"' in _input(html, "email")
    phone = _input(html, "phone")
    assert 'type="tel"' in phone
    assert 'autocomplete="tel"' in phone


@pytest.mark.django_db
def test_language_pickers_staff_enquiry_form_does_not_offer_the_staff_members_details(
    client, world
):
    client.force_login(world.owner)
    html = client.get("/en/cases/new/").content.decode()
    for name in ("name", "email", "phone"):
        assert 'autocomplete="off"' in _input(html, name)
    assert 'type="tel"' in _input(html, "phone")


@pytest.mark.django_db
def test_language_pickers_newcomer_page_and_link_request(client, portal):  # noqa: F811
    html = client.get(f"/uk{portal.path}").content.decode()
    assert _options(html, "preferred_language") == OWN_NAMES
    phone = _input(html, "phone")
    assert 'type="tel"' in phone and 'autocomplete="tel"' in phone
    html = client.get("/pl/my/").content.decode()
    assert 'autocomplete="email"' in _input(html, "email")
