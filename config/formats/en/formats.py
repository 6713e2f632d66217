"""English as written in Britain (CLDR en-GB): "2 December 2026", "02/12/2026", 24-hour time.
Django reads a format missing here from its own "en" module."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
# DATE_INPUT_FORMATS stays Django's "en" (ISO first): date fields are <input type=date>,
# which render their value in the first input format and accept only ISO dates.
