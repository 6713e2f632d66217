"""Rules for text typed by people, shared by every form and API input (which validates with
the same forms): Unicode normalised to NFC, and nothing that changes how text is *shown*
without being seen.

- Names (of people): refused when they hold a control or "format" character (Unicode
  categories Cc and Cf: direction overrides and isolates, zero-width spaces and joiners,
  soft hyphens, byte-order marks). A name is short and typed again easily; stripping
  silently could change whose name it is, and such characters are how a name is made to
  look like another on staff screens ("display spoofing").
- Free text (messages, occupations, interests, notes): direction overrides, embeddings and
  isolates and control characters other than line breaks and tabs are removed. They have
  no use in plain text and can reorder what staff read; zero-width joiners stay, as emoji
  sequences and several scripts need them.
- Numbers are read as ASCII digits only (`ascii_int`): str.isdigit() accepts "²⁰²⁰",
  which int() then refuses.
"""

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Embeddings and overrides (U+202A-202E), isolates (U+2066-2069), marks (U+200E, U+200F,
# U+061C): they reorder text for display.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_ASCII_DIGITS = re.compile(r"[0-9]+")

NAME_INVISIBLE_MESSAGE = _(
    "The name contains invisible characters (such as direction marks or zero-width spaces). "
    "Type it again without them."
)


def name_clean(value: str) -> str:
    """A person's name in NFC with single spaces; ValidationError when it holds an
    invisible control or format character."""
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in value):
        raise ValidationError(NAME_INVISIBLE_MESSAGE, code="invisible")
    return value


def free_text_clean(value: str) -> str:
    """Free text in NFC, without direction controls and without control characters other
    than line breaks and tabs."""
    value = _BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", value))
    return "".join(char for char in value if char in "\n\r\t" or unicodedata.category(char) != "Cc")


def free_text_fields_clean(data: dict[str, Any], names: list[str]) -> None:
    """free_text_clean on each of `names` that validated (a form's clean())."""
    for name in names:
        if isinstance(data.get(name), str):
            data[name] = free_text_clean(data[name])


def ascii_int(value: str) -> int | None:
    """The number written in ASCII digits 0-9, or None (for "²⁰²⁰", "٢٠٢٠", "-1", "")."""
    return int(value) if _ASCII_DIGITS.fullmatch(value) else None
