"""Arabic as CLDR's "ar" writes it: "2 ديسمبر 2026", "2\u200f/12\u200f/2026" (Western digits, with
right-to-left marks around the slashes so the parts keep their order in a right-to-left
line) and a 12-hour clock with ص/م. Django's own "ar" module is older: a comma after the
month and zero-padded short dates."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "j F Y، g:i A"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j\u200f/n\u200f/Y"
SHORT_DATETIME_FORMAT = "j\u200f/n\u200f/Y g:i A"
FIRST_DAY_OF_WEEK = 1  # Monday: the week as it runs in Norway, where the reader lives
