"""Polish: CLDR's short date ("2.12.2026"); the rest is Django's own "pl" module."""

SHORT_DATE_FORMAT = "j.m.Y"
SHORT_DATETIME_FORMAT = "j.m.Y H:i"
