# ruff: noqa: RUF001, RUF002 (Ukrainian text: its Cyrillic letters are meant)
"""Ukrainian: CLDR's long date "2 грудня 2026 р." (no leading zero; a no-break space keeps
"р." with its year); the rest is Django's own "uk" module. The abbreviation ends in a full
stop, so a sentence that ends with such a date takes no second one: the catalogue's
sentences leave it out (tests/test_formats.py checks)."""

DATE_FORMAT = "j E Y\u00a0р."
DATETIME_FORMAT = "j E Y\u00a0р., H:i"
