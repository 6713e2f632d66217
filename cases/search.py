"""The case search: which kind of match a search text asks for, and the one query for it.

One kind of match per search, never an OR across tables (docs/benchmarks.md, "Search"):
- a full reference (NR-2026-0166) exactly; a year and number (2026-0166, 2026-166) or a
  number alone (0166, 166) as the end of the reference, with any leading zeros;
- a phone number typed any way (+47 912 34 567, 0047 91234567, 912 34 567): through the
  newcomer's `phone_normalised` column (contacts.phones);
- an e-mail address by its beginning;
- anything else: the newcomer's name with or without diacritics ("Sorensen" finds
  "Sørensen", "Jose" "José"), or the beginning of their e-mail address;
- with "search in notes": the text of the notes this user may read (the one rule,
  cases.selectors.note_visibility_q), and nothing else.

Names are compared folded: upper case, accents stripped. On PostgreSQL the folding is
`tilflytt_fold()`, an IMMUTABLE wrapper around the `unaccent` extension (cases/migrations/
0012); on SQLite the same name is a Python function registered on each connection
(`sqlite_functions_add`). The folded names are stored (cases/migrations/0014), so a broad
name does not fold each candidate row again: on PostgreSQL the generated column
`contacts_newcomer.name_folded` with a trigram index, on SQLite the FTS5 table
`cases_newcomer_fts` (trigram tokenizer), both kept in step by the database itself.
"""

import re
import unicodedata
from functools import reduce
from operator import or_
from typing import Any

from django.db import connections
from django.db.models import CharField, Expression, Func, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Right
from django.db.models.lookups import Contains, Exact

from cases.models import Case, Note
from cases.search_fts import fts_ready
from cases.selectors import User, note_visibility_q
from contacts.models import Newcomer
from contacts.phones import phone_search_key

# What a case reference looks like (NR-2026-0042): such a search matches the reference only.
REFERENCE_PATTERN = re.compile(r"^[A-Za-z]+-\d{4}-\d+$")
# A year-number reference only when the first group is a plausible year (19xx or 20xx):
# "9123-4567" is a phone number written in two groups of four.
YEAR_NUMBER_PATTERN = re.compile(r"^((?:19|20)\d{2})-(\d{1,6})$")
NUMBER_PATTERN = re.compile(r"^\d{1,6}$")
# Digits with the usual separators, at least seven digits: a phone number, not a case number.
PHONE_PATTERN = re.compile(r"^\+?[\d\s().-]+$")
PHONE_MIN_DIGITS = 7
# A partial reference is the number of one case a year; this many is far beyond any list.
REFERENCE_MATCHES_MAX = 500
# The longest reference number a search by number finds on SQLite, zeros included
# (`_reference_end_q`); PostgreSQL takes any number of zeros.
REFERENCE_DIGITS_MAX = 10
# SQLite's FTS5 trigram tokenizer finds a phrase of at least three characters by its index.
FTS_TRIGRAM = 3
# cases/migrations/0014's FTS5 table (SQLite only): names folded, and e-mail addresses.
FTS_EMAIL = "SELECT rowid FROM cases_newcomer_fts WHERE email LIKE %s"
FTS_NAME = "SELECT rowid FROM cases_newcomer_fts WHERE cases_newcomer_fts MATCH %s"

# Letters that do not decompose into a base letter and an accent, as unaccent maps them.
_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss"}
)


def text_fold(text: str) -> str:
    """Upper case without accents: what `tilflytt_fold()` returns on PostgreSQL."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


class Fold(Func):
    function = "tilflytt_fold"
    output_field = CharField()


class NameFolded(Expression):
    """PostgreSQL's stored `contacts_newcomer.name_folded` (migrations/0014), in a query
    over newcomers: the models do not declare the column, so it is named here, with the
    alias the query gives the table (U0 inside a subquery)."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.name_folded", ()


def sqlite_functions_add(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Gives a new SQLite connection `tilflytt_fold` (connected to Django's
    `connection_created` in CasesConfig.ready()); PostgreSQL has it from the migration."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "tilflytt_fold", 1, lambda v: None if v is None else text_fold(v), deterministic=True
        )


def _reference_end(value: str) -> tuple[str, int] | None:
    """What the references meant end with: "-2026-", then 166 after any number of zeros,
    for "2026-0166" or "2026-166"; "-", then 166, for "0166" or "166". References are padded
    to four digits (and imported ones otherwise)."""
    year_number = YEAR_NUMBER_PATTERN.match(value)
    if year_number:
        return f"-{year_number[1]}-", int(year_number[2])
    if NUMBER_PATTERN.match(value):
        return "-", int(value)
    return None


class ReferenceNumber(Func):
    """The digits a reference ends with, without their leading zeros ("NR-2026-0042" gives
    "42", "NR-2026-0000" gives ""), on PostgreSQL: what migrations/0021 indexes, written
    the same way so that the planner uses the index."""

    template = "ltrim(substring(%(expressions)s from '[0-9]+$'), '0')"
    output_field = CharField()


def _reference_end_q(prefix: str, number: int, *, vendor: str) -> Q:
    """References ending in `prefix`, zeros and `number`. PostgreSQL: the number looked up
    in its index (migrations/0021), then the regular expression on those few; every
    reference the expression matches ends in that number's digits after a hyphen, so the
    two together are the expression's matches. SQLite ran Django's regular expressions in
    Python, for every case (a second at 100,000 cases): there, one LIKE per padding up to
    REFERENCE_DIGITS_MAX digits, after a test of the last digits."""
    if vendor == "postgresql":
        digits = str(number) if number else ""  # "0", "00": zeros alone, trimmed to ""
        return Q(Exact(ReferenceNumber("reference"), digits)) & Q(
            reference__regex=f"{prefix}0*{number}$"
        )
    digits = str(number)
    widths = range(len(digits), max(len(digits), REFERENCE_DIGITS_MAX) + 1)
    ends = [Q(reference__endswith=f"{prefix}{digits.zfill(width)}") for width in widths]
    # The last digits first, by one comparison: SQLite tests the conditions in order, so
    # only the few cases ending in them meet the LIKEs.
    return Q(Exact(Right("reference", len(digits)), digits)) & reduce(or_, ends)


def _phone_key(value: str) -> str | None:
    if not PHONE_PATTERN.match(value):
        return None
    if sum(ch.isdigit() for ch in value) < PHONE_MIN_DIGITS:
        return None
    return phone_search_key(value) or None


def case_search(
    cases: QuerySet[Case], *, text: str, user: User, in_notes: bool = False
) -> QuerySet[Case]:
    """`cases` narrowed to those the search text finds (see the module's docstring)."""
    value = text.strip()
    if not value:
        return cases
    if in_notes:
        notes = Note.objects.filter(note_visibility_q(user=user), body__icontains=value)
        return cases.filter(pk__in=notes.values("case_id"))
    if REFERENCE_PATTERN.match(value):
        return cases.filter(reference__iexact=value)
    reference_end = _reference_end(value)
    if reference_end is not None:
        prefix, number = reference_end
        vendor = connections[cases.db].vendor
        # The matches first, on their own (on PostgreSQL the number's index serves them,
        # migrations/0021): a number is in one case a year, a handful.
        # Inside the list's query PostgreSQL cannot estimate the expression, and walked
        # every case newest first testing it, waiting for 25 matches (260 ms at 70,000).
        ends = _reference_end_q(prefix, number, vendor=vendor)
        # In no order: SQLite walked the cases by date to keep the model's ordering,
        # reading each row from the table (375 ms at 100,000; 10 ms unordered).
        matches = Case.objects.filter(ends).order_by().values_list("pk", flat=True)
        return cases.filter(pk__in=list(matches[:REFERENCE_MATCHES_MAX]))
    phone = _phone_key(value)
    if phone is not None:
        newcomers = Newcomer.objects.filter(phone_normalised=phone)
    elif "@" in value:
        newcomers = Newcomer.objects.filter(_email_start(value))
    else:
        newcomers = Newcomer.objects.filter(_name_or_email_start(value))
    return cases.filter(newcomer_id__in=newcomers.values("pk"))


def _name_or_email_start(value: str) -> Q:
    """Newcomers whose folded name contains the text, or whose e-mail address begins with
    it, read from what migrations/0014 stores: the generated column on PostgreSQL (its
    trigram index serves LIKE), the FTS5 table on SQLite (its trigram index serves a phrase
    of three characters or more, and LIKE on the address). Shorter text, or text with
    LIKE's own characters, is compared row by row, folding each name, as before."""
    folded = text_fold(value)
    if connections[Newcomer.objects.db].vendor == "postgresql":
        return Q(Contains(NameFolded(), folded)) | Q(email__istartswith=value)
    if not _fts_serves(folded, value):
        return Q(Contains(Fold("name"), folded)) | Q(email__istartswith=value)
    phrase = '"' + folded.replace('"', '""') + '"'  # the text as one FTS5 string
    fts = FTS_NAME + " UNION " + FTS_EMAIL
    # The SQL is fixed text; the user's text goes in as parameters only.
    return Q(pk__in=RawSQL(fts, [f"name : {phrase}", f"{value}%"]))  # noqa: S611  # nosec B611


def _email_start(value: str) -> Q:
    """Newcomers whose e-mail address begins with the text: on SQLite through the FTS5
    table's trigram index (SQLite has no index for a case-insensitive prefix)."""
    if connections[Newcomer.objects.db].vendor == "postgresql" or not _fts_serves(value, value):
        return Q(email__istartswith=value)
    # The SQL is fixed text; the user's text goes in as a parameter only.
    return Q(pk__in=RawSQL(FTS_EMAIL, [f"{value}%"]))  # noqa: S611  # nosec B611


def _fts_serves(text: str, value: str) -> bool:
    # Without SQLite's trigram tokenizer there is no table (cases.search_fts): fold each name.
    return (
        len(text) >= FTS_TRIGRAM
        and not any(ch in value for ch in "%_\\")
        and fts_ready(Newcomer.objects.db)
    )
