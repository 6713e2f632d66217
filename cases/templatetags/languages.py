"""The header's language switch: every language on the public pages, the staff languages
elsewhere (settings.STAFF_LANGUAGES)."""

from django import template
from django.conf import settings

from config import languages

register = template.Library()


@register.simple_tag
def switch_languages(*, public: bool) -> list[str]:
    codes = [code for code, _name in settings.LANGUAGES]
    if public:
        return codes
    return [code for code in codes if code in settings.STAFF_LANGUAGES]


@register.filter
def language_name_own(code: str) -> str:
    """The language's name in that language ("Polski", "Українська")."""
    return languages.language_name_own(code)
