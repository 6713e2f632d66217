"""The header is written twice, in templates/base.html (Django's template language) and
templates/jinja2/base.html (the case list and "My work"): each person must find the same
links on every page, whichever language drew it."""

import re

import pytest
from django.urls import reverse

from contacts.models import Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db

_HEADER = re.compile(r'<header class="site-header">(.*?)</header>', re.S)
_HREF = re.compile(r'<a [^>]*href="([^"]+)"')
_CURRENT = re.compile(r'<a [^>]*href="([^"]+)"[^>]*aria-current="page"')


def header(client, url_name: str) -> str:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    found = _HEADER.search(response.content.decode())
    assert found, "no site header"
    return found.group(1)


def header_links(client, url_name: str) -> list[str]:
    return _HREF.findall(header(client, url_name))


def current_links(client, url_name: str) -> list[str]:
    """The header's links marked as the page being shown."""
    return _CURRENT.findall(header(client, url_name))


@pytest.fixture
def employer_member():
    employer = f.make_organisation(name="Narvik Næringsforening", kind=Organisation.Kind.EMPLOYER)
    return f.make_user(username="employer", organisation=employer)


@pytest.mark.parametrize("who", ["coordinator", "owner", "reader", "employer"])
def test_navigation_is_the_same_on_jinja2_and_django_pages(world, login, employer_member, who):
    user = employer_member if who == "employer" else getattr(world, who)
    client = login(user)
    on_list = header_links(client, "cases:list")  # Jinja2
    on_mine = header_links(client, "cases:mine")  # Jinja2
    on_dashboard = header_links(client, "reports:dashboard")  # Django templates
    assert on_list == on_mine == on_dashboard
    # Links that differ by person really are there for whom they should be.
    assert (reverse("administration:index") in on_list) == (who == "coordinator")
    assert (reverse("jobs:list") in on_list) == (who in ("coordinator", "employer"))


@pytest.mark.parametrize(
    "url_name",
    # Jinja2, Jinja2, Django templates; jobs' URLs reuse the names "list" and "create"
    ["cases:list", "cases:mine", "reports:dashboard", "jobs:list", "cases:create"],
)
def test_only_the_page_being_shown_is_marked_current(world, login, url_name):
    client = login(world.coordinator)
    assert current_links(client, url_name) == [reverse(url_name)]
