"""The public languages, each named in its own language, for every language picker.

A picker lists languages for a reader who may not read the current page's language, so
each option is written in its own language and marked with `lang` (WCAG 3.1.2), as the
header's switch does. Staff screens that *describe* a newcomer's language keep
settings.LANGUAGES, which is translated into the reader's language.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info

# Django's own data names bokmål "norsk (bokmål)"; the others match Django's but are
# written with a capital, as they stand alone in a list. A language not named here (one
# added by a new catalogue and a LANGUAGES entry) falls back to Django's name.
OWN_NAMES = {
    "nb": "Norsk bokmål",
    "en": "English",
    "pl": "Polski",
    "uk": "Українська",
    "ar": "العربية",
}


def language_name_own(code: str) -> str:
    """The language's name in that language."""
    if code in OWN_NAMES:
        return OWN_NAMES[code]
    name: str = get_language_info(code)["name_local"]
    return name[:1].upper() + name[1:]


def language_choices_own() -> list[tuple[str, str]]:
    return [(code, language_name_own(code)) for code, _name in settings.LANGUAGES]


class LanguageSelect(forms.Select):
    """A select of language codes whose options read in their own language, each with its
    `lang`, whatever labels the field's choices carry."""

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["label"] = language_name_own(str(value))
            option["attrs"] = {**option["attrs"], "lang": str(value)}
        return option


def switch_languages(*, public: bool) -> list[str]:
    """The languages the header's switch offers: all on public pages, the staff languages
    (settings.STAFF_LANGUAGES) elsewhere; both template languages ask here."""
    codes = [code for code, _name in settings.LANGUAGES]
    return codes if public else [code for code in codes if code in settings.STAFF_LANGUAGES]
