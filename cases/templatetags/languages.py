"""The header's language switch: every language on the public pages, the staff languages
elsewhere (settings.STAFF_LANGUAGES)."""

from django import template

from config import languages

register = template.Library()


register.simple_tag(languages.switch_languages, name="switch_languages")


@register.filter
def language_name_own(code: str) -> str:
    """The language's name in that language ("Polski", "Українська")."""
    return languages.language_name_own(code)
