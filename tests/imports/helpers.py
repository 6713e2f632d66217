"""Spreadsheets for the import tests, made in memory."""

import io
import zipfile

import openpyxl

HEADER = ["Navn", "E-post", "Telefon", "Kommune", "Flyttedato", "Barn", "Notat"]


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8", sep: str = ";") -> bytes:
    lines = [sep.join(HEADER), *(sep.join(r) for r in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]], *, header: list[str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_cached_value(content: bytes, cell: str, value: str) -> bytes:
    """The workbook as Excel would save it: the formula in `cell` keeps its last value
    (openpyxl writes formulas without one)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                cell_xml = text[start:end].replace("<v />", f"<v>{value}</v>")
                cell_xml = cell_xml.replace(f'<c r="{cell}"', f'<c r="{cell}" t="str"', 1)
                text = text[:start] + cell_xml + text[end:]
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def opener(content: bytes):
    return lambda: io.BytesIO(content)
