"""The PDF base (config/pdf.py) and the three PDFs built on it: the welcome pack, the monthly
report and the copy of a newcomer's data. Each embeds DejaVu Sans read from the repository,
never from the system, and Polish and Ukrainian letters come back out as text."""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from config import pdf
from contacts.models import Newcomer
from onboarding.pdf import render_welcome_pack
from tests import factories as f

POLISH, UKRAINIAN = "Zażółć gęślą jaźń", "Привіт, Ґанно Їжак"
REPOSITORY_FONTS = Path(settings.BASE_DIR).resolve() / "config" / "fonts"


def _read(content: bytes) -> tuple[str, set[str]]:
    """The text with whitespace collapsed, and the names of the fonts embedded in it."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/FontDescriptor" in font and "/FontFile2" in font["/FontDescriptor"]:
                embedded.add(str(font["/BaseFont"]))
    return text, embedded


@pytest.fixture
def registered(monkeypatch):
    """The fonts config.pdf registers on a fresh start, by name."""
    fonts = {}
    monkeypatch.setattr(
        pdfmetrics, "registerFont", lambda font: fonts.update({font.fontName: font})
    )
    pdf.fonts_register.cache_clear()
    yield fonts
    pdf.fonts_register.cache_clear()  # the next PDF registers them for real again


def test_pdf_fonts_are_read_from_the_repository(registered):
    pdf.fonts_register()
    assert set(registered) == {pdf.FONT, pdf.FONT_BOLD}
    for font in registered.values():
        path = Path(font.face.filename).resolve()
        assert path.parent == REPOSITORY_FONTS, path
    assert (REPOSITORY_FONTS / "LICENSE.txt").is_file()


def test_pdf_paragraph_escapes_markup():
    content = pdf.document_render([pdf.paragraph("Ola & <Kari> </para>")], title="T")
    assert "Ola & <Kari> </para>" in _read(content)[0]


def test_pdf_footer_numbers_every_page_only_when_asked():
    def story():  # a new one per document: ReportLab consumes the flowables it lays out
        return [pdf.paragraph(f"Line {n}") for n in range(120)]  # three pages

    with translation.override("en"):
        text, _embedded = _read(pdf.document_render(story(), title="T", footer="The footer"))
        assert "The footer Page 1 of 3" in text and "The footer Page 3 of 3" in text
        assert "Page" not in _read(pdf.document_render(story(), title="T"))[0]


def _welcome_pack(world, login) -> bytes:
    Newcomer.objects.filter(pk=world.newcomer.pk).update(name=f"{POLISH} {UKRAINIAN}")
    world.case.refresh_from_db()
    return render_welcome_pack(case=world.case, language="uk")


def _monthly_report(world, login) -> bytes:
    # The report for the month this case opens in: its two occupation tables name these.
    newcomer = f.make_newcomer(
        occupation=POLISH, partner_needs_work=True, partner_occupation=UKRAINIAN
    )
    case = f.make_case(newcomer=newcomer, organisation=world.kommune)
    month = timezone.localtime(case.created_at).strftime("%Y-%m")
    response = login(world.coordinator).get(reverse("reports:report-pdf") + f"?month={month}")
    assert response.status_code == 200
    return response.content


def _privacy_copy(world, login) -> bytes:
    Newcomer.objects.filter(pk=world.newcomer.pk).update(name=POLISH, occupation=UKRAINIAN)
    response = login(world.coordinator).get(reverse("privacy:export-pdf", args=[world.newcomer.pk]))
    assert response.status_code == 200
    return response.content


@pytest.mark.django_db
@pytest.mark.parametrize("render", [_welcome_pack, _monthly_report, _privacy_copy])
def test_pdf_embeds_the_repository_font_with_polish_and_ukrainian(world, login, render):
    text, embedded = _read(render(world, login))
    assert POLISH in text and UKRAINIAN in text
    assert any(name.endswith("+DejaVuSans") for name in embedded), embedded
    assert any(name.endswith("+DejaVuSans-Bold") for name in embedded), embedded
    for name in (pdf.FONT, pdf.FONT_BOLD):  # the faces those names were set in
        assert Path(pdfmetrics.getFont(name).face.filename).resolve().parent == REPOSITORY_FONTS


def test_pdf_image_decoded_once_and_again_when_the_file_changes(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (8, 8), (11, 92, 138, 255)).save(logo)
    first, second = (pdf.image(logo, width=20, height=20) for _ in range(2))
    assert first._img is second._img  # one decoded image for every document
    data = first._img.getRGBData()
    Image.new("RGBA", (8, 8), (255, 255, 255, 0)).save(logo)
    stat = logo.stat()
    os.utime(logo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    changed = pdf.image(logo, width=20, height=20)
    assert changed._img is not first._img and changed._img.getRGBData() != data
    # And it draws: the document holds the image once (with its alpha mask), drawn twice.
    content = pdf.document_render([first, second], title="Logo")
    assert content.startswith(b"%PDF") and content.count(b"/Subtype /Image") == 2


def test_pdf_image_decoded_before_it_is_shared_and_keyed_on_time_and_size(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (8, 8), (11, 92, 138, 255)).save(logo)
    first = pdf.image(logo, width=20, height=20)
    # Decoded in the cached builder: threads drawing it at once only read it.
    assert first._img._data is not None and first._img._dataA._data is not None
    stat = logo.stat()
    Image.new("RGBA", (16, 16), (255, 255, 255, 0)).save(logo)  # another size, same time
    os.utime(logo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert logo.stat().st_mtime_ns == stat.st_mtime_ns
    assert pdf.image(logo, width=20, height=20)._img is not first._img


@pytest.mark.parametrize("language", ["en", "ar"])
def test_pdf_paragraph_keeps_the_texts_line_breaks(language):
    with translation.override(language):
        flowable = pdf.paragraph("Kongens gate 1 & 2\n8514 Narvik")
    flowable.wrap(400, 400)
    one_line = pdf.paragraph("Kongens gate 1 & 2 8514 Narvik")
    assert flowable.height == 2 * one_line.wrap(400, 400)[1]
