"""Phone numbers in one form, so that a number typed any way finds the same newcomer: the
case search (cases.search) and the spreadsheet import (imports) both use it."""

import re

import phonenumbers

# Numbers without a country code are Norwegian: the team's region.
DEFAULT_REGION = "NO"
_NOT_DIGITS = re.compile(r"\D")


def phone_normalise(text: str) -> str:
    """A phone number in E.164 ("+4791234567"); Norwegian unless it says otherwise. Raises
    ValueError for something that is not a possible number."""
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(text) from exc
    if not phonenumbers.is_possible_number(number):
        raise ValueError(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_search_key(text: str) -> str:
    """What `Newcomer.phone_normalised` holds for `text`: its E.164 form, else its digits
    (a number phonenumbers cannot place still matches itself typed with other spacing),
    else "" for no number."""
    if not text.strip():
        return ""
    try:
        return phone_normalise(text)
    except ValueError:
        return _NOT_DIGITS.sub("", text)
