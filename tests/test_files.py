"""config.files.file_check: the file rules, decided by content."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image
from reportlab.pdfgen import canvas

from config.files import file_check

MAX = 1024 * 1024


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Hello")
    pdf.save()
    return buffer.getvalue()


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "mimetype"),
    [
        (pdf_bytes(), "application/pdf"),
        (image_bytes("PNG"), "image/png"),
        (image_bytes("JPEG"), "image/jpeg"),
    ],
)
def test_file_check_accepts_by_content(content, mimetype):
    # The name says nothing: a real PDF called .exe is still a PDF.
    assert file_check(content=content, filename="whatever.exe", max_bytes=MAX) == mimetype


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100,  # a Windows program
        b"GIF89a" + b"\x00" * 20,  # an image type that is not accepted
        b"<html><script>alert(1)</script></html>",
        b"\x89PNG\r\n\x1a\n" + b"not really a png",  # PNG magic on something else
        b"\xff\xd8\xff\xe0" + b"\x00" * 50,  # a JPEG header and nothing usable
        image_bytes("PNG")[:40],  # a truncated PNG
    ],
)
def test_file_check_refuses_other_content(content):
    with pytest.raises(ValidationError) as error:
        file_check(content=content, filename="cv.pdf", max_bytes=MAX)
    assert error.value.code == "file_type"
    assert "cv.pdf" in error.value.messages[0]


def test_file_check_refuses_a_file_over_the_limit():
    content = pdf_bytes()
    assert file_check(content=content, filename="a.pdf", max_bytes=len(content))
    with pytest.raises(ValidationError) as error:
        file_check(content=content, filename="a.pdf", max_bytes=len(content) - 1)
    assert error.value.code == "file_too_large"


def test_file_check_refuses_an_empty_file():
    with pytest.raises(ValidationError) as error:
        file_check(content=b"", filename="a.pdf", max_bytes=MAX)
    assert error.value.code == "file_empty"


def test_file_check_message_is_translated():
    with translation.override("en"), pytest.raises(ValidationError) as english:
        file_check(content=b"MZ", filename="x.exe", max_bytes=MAX)
    assert english.value.messages == ["“x.exe” is not a PDF, JPEG or PNG file."]
