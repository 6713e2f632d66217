"""One normal form for occupation words, shared by the search and by the free-text mapping.

Lower case, accents folded (é→e, å→a, and the Norwegian letters that do not decompose,
æ→ae, ø→o), every run of non-letters one space. So "Økonom", "økonom " and "OKONOM" meet.
"""

import re
import unicodedata

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "þ": "th"})
_NON_WORD = re.compile(r"[^0-9a-z]+")


def occupation_normalise(text: str) -> str:
    text = text.casefold().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text).strip()


def occupation_search_key(*, title_nb: str, title_en: str, synonyms: str) -> str:
    """The words an occupation is found by, each after a space so that a prefix of any
    word is a `contains(" " + prefix)` lookup, which SQLite and PostgreSQL both index-free
    answer fast enough for some six hundred rows."""
    words = occupation_normalise(f"{title_nb} {title_en} {synonyms}").split()
    return " " + " ".join(dict.fromkeys(words)) + " "
