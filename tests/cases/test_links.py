from django.urls import reverse, set_script_prefix
from django.utils import translation

from cases.links import case_page_link


def test_case_page_link_is_the_site_address_of_the_case_page_in_each_language(settings):
    settings.SITE_URL = "https://tilflytt.example.org"
    for language in ("nb", "en", "uk"):
        with translation.override(language):
            expected = "https://tilflytt.example.org" + reverse("cases:detail", args=[17])
            assert case_page_link(17) == expected
    with translation.override("en"):
        assert case_page_link(17).endswith("/en/cases/17/")


def test_case_page_link_follows_the_script_prefix():
    # Served under a path (SCRIPT_NAME): the cached pattern is per prefix.
    plain = case_page_link(5)
    set_script_prefix("/tilflytt/")
    try:
        assert case_page_link(5) == plain.replace("/cases/5/", "/tilflytt/cases/5/")
    finally:
        set_script_prefix("/")
