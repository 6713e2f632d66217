"""Reading files from outside: encodings, kinds of file, headers."""

import codecs
import io

import pytest

from imports.reading import CHUNK, FileProblem, csv_rows, date_value, encoding_detect, file_kind
from tests.imports.helpers import csv_bytes, xlsx_bytes

ROW = [["Åse Ødegård", "ase@example.no", "", "", "", "", "Bjørn, 2 år"]]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (csv_bytes(ROW), "utf-8"),
        (codecs.BOM_UTF8 + csv_bytes(ROW), "utf-8-sig"),
        (csv_bytes(ROW, encoding="cp1252"), "cp1252"),
    ],
)
def test_encoding_detect_tells_the_three_encodings_apart(content, expected):
    assert encoding_detect(io.BytesIO(content)) == expected
    headers, rows = csv_rows(io.BytesIO(content), expected)
    assert headers[0] == "Navn"
    assert next(rows).values["Navn"] == "Åse Ødegård"


def test_encoding_detect_refuses_utf16_and_unknown_bytes():
    with pytest.raises(FileProblem, match="UTF-16"):
        encoding_detect(io.BytesIO(csv_bytes(ROW, encoding="utf-16")))
    # 0x81 and 0x8d are neither UTF-8 nor Windows-1252 (e.g. a file in an old DOS code page).
    with pytest.raises(FileProblem, match="neither UTF-8 nor Windows-1252"):
        encoding_detect(io.BytesIO(b"Navn;E-post\r\n\x81\x8d;x@example.no\r\n"))


def test_encoding_detect_reads_the_whole_file_not_just_the_start():
    content = csv_bytes(
        [["Ola", "ola@example.no", "", "", "", "", ""]] * 12000 + ROW, encoding="cp1252"
    )
    assert len(content) > 2 * CHUNK
    assert encoding_detect(io.BytesIO(content)) == "cp1252"


def test_csv_delimiters_and_duplicate_headers():
    headers, _rows = csv_rows(io.BytesIO(csv_bytes(ROW, sep=",")), "utf-8")
    assert headers[:2] == ["Navn", "E-post"]
    with pytest.raises(FileProblem, match="Two columns"):
        csv_rows(io.BytesIO(b"Navn;navn\r\nA;B\r\n"), "utf-8")


def test_file_kind_checks_the_name_and_the_content():
    assert file_kind("liste.xlsx", xlsx_bytes([])[:8]) == "xlsx"
    assert file_kind("liste.CSV", b"Navn;") == "csv"
    with pytest.raises(FileProblem, match=r"\.xls\)"):
        file_kind("liste.xls", b"\xd0\xcf")
    with pytest.raises(FileProblem, match="not an Excel workbook"):
        file_kind("liste.xlsx", b"Navn;")
    with pytest.raises(FileProblem, match="CSV file or an Excel"):
        file_kind("liste.pdf", b"%PDF")


def test_date_value_refuses_impossible_and_ambiguous_dates():
    for text in ["31.2.2027", "3/1/2027", "March 1"]:
        with pytest.raises(ValueError):
            date_value(text)
