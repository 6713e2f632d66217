# ruff: noqa: RUF002 (Ukrainian text: its Cyrillic letters are meant)
"""Date and time formats per language (settings.FORMAT_MODULE_PATH), where Django's own
differ from the Unicode CLDR's (the data Babel carries). tests/test_formats.py renders each
language's formats beside Babel's and fails when they part.

- en: British English (CLDR en-GB): "2 December 2026", 24-hour time. Django's "en" is US.
- pl: CLDR's short date "2.12.2026" (Django's is "02-12-2026").
- uk: CLDR's "2 грудня 2026 р." (Django's pads the day: "02 грудня").
- nb: Django's formats are CLDR's already.
- ar: CLDR's "ar": "2 ديسمبر 2026" with Western digits, and April as CLDR spells it (below).
"""

from django.utils.translation import gettext_noop

# Month names come from Django's catalogues, which ours override. CLDR's Arabic spells April
# "أبريل" where Django's has "إبريل"; naming the month here puts it into our catalogues
# (translated in Arabic only, and in bokmål and English as every staff string is; the other
# languages keep Django's own name).
MONTH_NAMES_FROM_CLDR = [gettext_noop("April")]
