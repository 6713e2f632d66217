"""Reading a spreadsheet from outside, row by row, in bounded memory.

CSV goes through the csv module over a decoding stream; XLSX through openpyxl in read-only
mode, which streams the sheet's XML instead of loading the workbook. Neither keeps more
than one row. What is wrong with the file as a whole (its encoding, its kind, its header)
raises FileProblem with a translated sentence for the report.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What the screens say about each encoding we read.
ENCODING_LABELS = {
    "utf-8": gettext_lazy("UTF-8"),
    "utf-8-sig": gettext_lazy("UTF-8 with byte order mark (as Excel saves it)"),
    "cp1252": gettext_lazy("Windows-1252 (older Excel on Windows)"),
}
CHUNK = 64 * 1024
# At most this many columns are read: a sheet with thousands is not a list of people.
MAX_COLUMNS = 60


class FileProblem(Exception):
    """The file cannot be read at all; the message is for the person who uploaded it."""


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it (the header is row 1)
    values: dict[str, Any]  # header -> value
    notes: list[str] = field(default_factory=list)  # what was read differently, and why
    problems: list[str] = field(default_factory=list)  # why the row cannot be read


def file_kind(name: str, head: bytes) -> str:
    """ "xlsx" or "csv", from the name and the first bytes (an XLSX file is a zip)."""
    lowered = name.lower()
    if lowered.endswith((".xlsx", ".xlsm")):
        if not head.startswith(b"PK"):
            raise FileProblem(_("The file is called .xlsx but is not an Excel workbook."))
        return "xlsx"
    if lowered.endswith(".xls"):
        raise FileProblem(
            _("Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or CSV.")
        )
    if lowered.endswith((".csv", ".txt")):
        if head.startswith(b"PK"):
            raise FileProblem(_("The file is called .csv but is an Excel workbook."))
        return "csv"
    raise FileProblem(_("Upload a CSV file or an Excel workbook (.xlsx)."))


def encoding_detect(stream: IO[bytes]) -> str:
    """The encoding of a CSV file: "utf-8-sig", "utf-8" or "cp1252", read to the end in
    chunks (a Windows-1252 letter may come on the last line). Anything else raises
    FileProblem saying what it looks like."""
    head = stream.read(4)
    stream.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(
            _(
                'The file is in UTF-16 (Excel\'s "Unicode text"). Save it as '
                '"CSV UTF-8 (comma delimited)" and upload it again.'
            )
        )
    candidates = ["utf-8-sig"] if head.startswith(codecs.BOM_UTF8) else ["utf-8", "cp1252"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        stream.seek(0)
        try:
            while chunk := stream.read(CHUNK):
                if b"\x00" in chunk:
                    raise FileProblem(_("The file contains binary data and is not a CSV file."))
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            stream.seek(0)
        return encoding
    raise FileProblem(
        _(
            "The file's characters are neither UTF-8 nor Windows-1252. Save it as "
            '"CSV UTF-8 (comma delimited)" and upload it again.'
        )
    )


def _delimiter(first_line: str) -> str:
    """Norwegian Excel saves CSV with semicolons; others use commas or tabs."""
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _clean_headers(raw: list[Any]) -> list[str]:
    headers = [" ".join(str(h).split()) if h is not None else "" for h in raw[:MAX_COLUMNS]]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise FileProblem(_("The first row must name the columns; it is empty."))
    seen: set[str] = set()
    for header in headers:
        if header and header.lower() in seen:
            raise FileProblem(
                _("Two columns are called “%(name)s”. Give each column its own name.")
                % {"name": header}
            )
        seen.add(header.lower())
    return headers


def csv_rows(stream: IO[bytes], encoding: str) -> tuple[list[str], Iterator[Row]]:
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    first = text.readline()
    delimiter = _delimiter(first)
    header_row = next(csv.reader([first], delimiter=delimiter), [])
    headers = _clean_headers(header_row)

    def rows() -> Iterator[Row]:
        reader = csv.reader(text, delimiter=delimiter)
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            yield Row(number=number, values=dict(zip(headers, cells, strict=False)))

    return headers, rows()


def xlsx_rows(formulas: IO[bytes], values: IO[bytes]) -> tuple[list[str], Iterator[Row]]:
    """The first sheet of a workbook, read twice side by side in read-only mode: once for
    the formulas and once for the values Excel saved with them. A formula cell takes its
    saved value, and the row says so; a formula without a saved value (a workbook written
    by a program, never opened in Excel) refuses the row."""
    try:
        book_f = openpyxl.load_workbook(formulas, read_only=True, data_only=False)
        book_v = openpyxl.load_workbook(values, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileProblem(_("The workbook cannot be opened; it may be damaged.")) from exc
    sheet_f, sheet_v = book_f.worksheets[0], book_v.worksheets[0]
    iter_f = sheet_f.iter_rows(max_col=MAX_COLUMNS)
    iter_v = sheet_v.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    first = next(iter_f, None)
    next(iter_v, None)
    if first is None:
        raise FileProblem(_("The workbook's first sheet is empty."))
    headers = _clean_headers([cell.value for cell in first])

    def rows() -> Iterator[Row]:
        for number, (cells, cached) in enumerate(zip(iter_f, iter_v, strict=False), start=2):
            row = Row(number=number, values={})
            for header, cell, value in zip(headers, cells, cached, strict=False):
                if not header:
                    continue
                if getattr(cell, "data_type", None) == "f":
                    if value is None:
                        row.problems.append(
                            _(
                                "%(column)s holds a formula without a saved value; open the "
                                "file in Excel, save it, and upload it again."
                            )
                            % {"column": header}
                        )
                        continue
                    row.notes.append(
                        _("%(column)s holds a formula; its saved value was taken.")
                        % {"column": header}
                    )
                row.values[header] = value
            if any(v not in (None, "") for v in row.values.values()) or row.problems:
                yield row
        book_f.close()
        book_v.close()

    return headers, rows()


def text_value(value: Any) -> str:
    """A cell as text: whole numbers without ".0" (Excel stores phone numbers as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return " ".join(str(value).split())


_NORWEGIAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def date_value(value: Any) -> date | None:
    """A date from a cell: an Excel date, "1.3.2027" or "01.03.27" (day first, as in
    Norway), or "2027-03-01". Raises ValueError for anything else, and for 31.2."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if m := _NORWEGIAN_DATE.match(text):
        day, month, year = (int(g) for g in m.groups())
        if year < 100:
            year += 2000
        return date(year, month, day)
    if m := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in m.groups())
        return date(year, month, day)
    raise ValueError(text)
