"""Texts from data in several languages: one JSON field per text, {language code: text},
read through one rule.

The fallback rule, everywhere: the reader's language, then English, then bokmål, then any
language the text has. A text is never shown empty because one language lacks it; which
languages lack it is what `texts_missing` lists (tests/onboarding/test_texts.py).
"""

from collections.abc import Iterable, Mapping

from django.utils.translation import get_language

FALLBACK = ("en", "nb")


def text_for(texts: Mapping[str, str] | None, language: str | None = None) -> str:
    """The text in `language` (default: the active language), by the fallback rule."""
    if not texts:
        return ""
    code = (language or get_language() or FALLBACK[-1]).split("-")[0]
    for candidate in (code, *FALLBACK):
        if texts.get(candidate):
            return texts[candidate]
    return next((text for text in texts.values() if text), "")


def texts_missing(texts: Mapping[str, str] | None, languages: Iterable[str]) -> list[str]:
    """The languages, of those given, that the text has no wording in."""
    return [code for code in languages if not (texts or {}).get(code, "").strip()]


def texts_clean(texts: Mapping[str, str]) -> dict[str, str]:
    """Texts as a service stores them: trimmed, without empty languages (an empty one
    falls back by `text_for`)."""
    return {code: text.strip() for code, text in texts.items() if text and text.strip()}
