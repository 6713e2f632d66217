"""What every PDF shares: the fonts shipped in config/fonts/, the house colours, the
paragraph styles, A4 with the house margins, and one function that builds a document.

The renderers (the welcome pack, the monthly report, the copy of a newcomer's data) keep
only what is theirs: their wording, tables and charts. This module is the lowest layer and
imports nothing from the apps.

Text is set in DejaVu Sans, embedded, because ReportLab's built-in fonts lack the Polish
and Ukrainian letters of names, places and occupations. The fonts are read from the source
tree, never from the system, so a PDF renders on a machine with nothing but Python.
"""

import functools
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_FILES = {FONT: FONT_DIR / "DejaVuSans.ttf", FONT_BOLD: FONT_DIR / "DejaVuSans-Bold.ttf"}

INK = colors.HexColor("#1d2430")  # the report's text; the pack's body text stays black
MUTED = colors.HexColor("#566070")
LINE = colors.HexColor("#d7dce3")  # rules between table rows, chart axes and gridlines
ACCENT = colors.HexColor("#0b5c8a")

PAGE_SIZE = A4
MARGIN_SIDE = 18 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 16 * mm
MARGIN_BOTTOM_WITH_FOOTER = 18 * mm  # the footer line sits at 10 mm, below the frame
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_SIDE

# Paragraph styles. The welcome pack and the copy of a newcomer's data are read by the
# newcomer, in larger type; the monthly report sets many figures on a page, so it uses the
# compact title, heading and cells.
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14)
SMALL_MUTED = ParagraphStyle("small_muted", parent=BODY, fontSize=9, leading=12, textColor=MUTED)
LEAD = ParagraphStyle("lead", parent=BODY, fontSize=10, leading=14, textColor=MUTED)
TITLE = ParagraphStyle(
    "title", parent=BODY, fontName=FONT_BOLD, fontSize=22, leading=27, textColor=ACCENT
)
TITLE_COMPACT = ParagraphStyle(
    "title_compact", parent=BODY, fontName=FONT_BOLD, fontSize=17, leading=22, textColor=INK
)
HEADING = ParagraphStyle(
    "heading",
    parent=BODY,
    fontName=FONT_BOLD,
    fontSize=14,
    leading=18,
    spaceBefore=10,
    spaceAfter=4,
    textColor=ACCENT,
)
HEADING_COMPACT = ParagraphStyle(
    "heading_compact", parent=HEADING, fontSize=12, leading=16, textColor=colors.black
)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=9.5, leading=12)
CELL_BOLD = ParagraphStyle("cell_bold", parent=CELL, fontName=FONT_BOLD)
CELL_COMPACT = ParagraphStyle("cell_compact", parent=BODY, fontSize=8.5, leading=11, textColor=INK)


@functools.cache
def fonts_register() -> None:
    """Registers DejaVu Sans and its bold once per process, with the family, so that <b>
    in a paragraph picks the bold face. Cached: reading the two files takes a while."""
    for name, path in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


def paragraph(text: object, style: ParagraphStyle = BODY) -> Paragraph:
    """`text` as one paragraph, escaped: names and notes are data, not ReportLab markup
    (an "&" or "<" in them would otherwise break the paragraph or the whole PDF)."""
    fonts_register()
    return Paragraph(xml_escape(str(text)), style)


def document_render(
    story: Sequence[Flowable],
    *,
    title: str,
    author: str | None = None,
    subject: str | None = None,
    footer: str | None = None,
) -> bytes:
    """The story as an A4 PDF with the house margins. Title, author, subject and the
    active language go into the document's metadata, for readers and search. With a
    `footer`, every page carries that text on the left and "Page N of M" on the right (an
    empty footer: the page numbers alone)."""
    fonts_register()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_SIDE,
        rightMargin=MARGIN_SIDE,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM if footer is None else MARGIN_BOTTOM_WITH_FOOTER,
        title=title,
        author=author,
        subject=subject,
        creator="Tilflytt",
        lang=get_language(),
    )
    if footer is None:
        document.build(list(story))
    else:
        # build() draws every page within this call, so the footer is in the caller's
        # language.
        document.build(list(story), canvasmaker=_footer_canvas(footer))
    return buffer.getvalue()


def _footer_canvas(footer: str) -> type[Canvas]:
    """A canvas that holds each finished page back until the document ends, so that every
    page's footer can name the number of pages ("Page 1 of 3")."""

    class FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.saveState()
                self.setFont(FONT, 7.5)
                self.setFillColor(MUTED)
                if footer:
                    self.drawString(MARGIN_SIDE, 10 * mm, footer)
                self.drawRightString(
                    PAGE_SIZE[0] - MARGIN_SIDE,
                    10 * mm,
                    _("Page %(number)d of %(count)d") % {"number": number, "count": count},
                )
                self.restoreState()
                super().showPage()
            super().save()

    return FooterCanvas
