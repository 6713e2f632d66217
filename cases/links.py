"""Full addresses of case pages, for messages that leave the site (e-mails)."""

from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation

from config.jinja2 import url_format


def case_page_link(case_id: int) -> str:
    """SITE_URL and the case page's path in the active language."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    path = _case_path_format(translation.get_language(), urlconf, get_script_prefix())
    return settings.SITE_URL + path.format(case_id)


@cache
def _case_path_format(language: str | None, urlconf: str, script_prefix: str) -> str:
    # Reversed once per language (and URL configuration): the reminder sweep links
    # thousands of e-mails to cases, and reversing each took a tenth of the sweep.
    return url_format("cases:detail")
