"""What every PDF shares: the fonts shipped in config/fonts/, the house colours, the
paragraph styles, A4 with the house margins, and one function that builds a document.

The renderers (the welcome pack, the monthly report, the copy of a newcomer's data) keep
only what is theirs: their wording, tables and charts. This module is the lowest layer and
imports nothing from the apps.

Text is set in DejaVu Sans, embedded, because ReportLab's built-in fonts lack the Polish
and Ukrainian letters of names, places and occupations, and it has the Arabic letters with
their joined forms. The fonts are read from the source tree, never from the system, so a
PDF renders on a machine with nothing but Python.

ReportLab draws glyphs left to right, one per character, and knows neither Arabic joining
nor right-to-left order. `pdf_text` is the one place that fixes both (arabic-reshaper picks
each letter's joined form, python-bidi puts the line in visual order); `paragraph` uses it,
breaking right-to-left text into lines itself so that the lines stay in reading order.
Every renderer sets its text through `paragraph` or, for a line drawn on the canvas,
`pdf_text`.
"""

import functools
import re
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import arabic_reshaper
from bidi.algorithm import get_display
from django.conf import settings
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate

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


@functools.cache
def _image_reader(path: str, modified_ns: int, size: int) -> ImageReader:
    """The image decoded once per process (and again when the file changes: keyed on its
    modification time in nanoseconds and its size): ReportLab would open, decode and
    split its alpha channel for every document. Decoded here, before it is shared:
    getRGBData() caches its result on the reader, so threads building packs at once
    only read it and never decode it again side by side."""
    reader = ImageReader(path)
    reader.getRGBData()
    if reader._dataA:  # the alpha channel split off by getRGBData (ReportLab's internal)
        reader._dataA.getRGBData()
    return reader


def image(path: Path, *, width: float, height: float) -> Image:
    """The image file at `path` as a flowable of the given size, decoded once."""
    flowable = Image(str(path), width=width, height=height)
    status = path.stat()
    # Image._img is ReportLab's internal (4.5, pinned in pyproject.toml): the reader it
    # would make lazily. Check it on each ReportLab upgrade (tests/test_pdf.py).
    flowable._img = _image_reader(str(path), status.st_mtime_ns, status.st_size)
    return flowable


# Letters of the right-to-left scripts (Hebrew, Arabic and their presentation forms).
RTL_LETTERS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def _right_to_left(language: str | None) -> bool:
    if language is None:
        return get_language_bidi()
    return language in settings.LANGUAGES_BIDI or language.split("-")[0] in settings.LANGUAGES_BIDI


# Addresses keep their own left-to-right order inside a right-to-left line (a URL's last
# "/" would otherwise move to its start): each is wrapped in a left-to-right embedding.
# Web and e-mail addresses, and phone numbers written in groups ("+47 76 00 10 00"), read
# left to right inside a right-to-left line.
LEFT_TO_RIGHT_RUN = re.compile(
    r"https?://\S*[^\s.,;:!?)]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d{1,4}(?: \d{2,4}){2,}"
)


def pdf_text(text: object, language: str | None = None) -> str:
    """One line of `text` as ReportLab must draw it: Arabic letters in their joined forms,
    the line in visual order with brackets mirrored, for a right-to-left `language`
    (default: the active one), or for an Arabic name in a left-to-right line. Other
    text comes back unchanged."""
    text = str(text)
    rtl = _right_to_left(language)
    if not rtl and not RTL_LETTERS.search(text):
        return text
    embedded = LEFT_TO_RIGHT_RUN.sub(lambda match: f"\u202a{match.group(0)}\u202c", text)
    # bidi.algorithm is python-bidi's implementation that also mirrors brackets.
    return str(get_display(arabic_reshaper.reshape(embedded), base_dir="R" if rtl else "L"))


class RightToLeftParagraph(Flowable):
    """A paragraph of right-to-left text, aligned right. ReportLab would break the line
    after reordering it, which puts a paragraph's last words on its first line; this breaks
    the logical text into lines that fit first, then sets each line through `pdf_text`."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.language = get_language()  # the build may run after the caller's override
        self.style = ParagraphStyle(f"{style.name}_rtl", parent=style, alignment=TA_RIGHT)
        self._paragraph: Paragraph | None = None

    def _lines(self, width: float) -> list[str]:
        def measure(words: list[str]) -> float:
            shaped = arabic_reshaper.reshape(" ".join(words))
            return float(pdfmetrics.stringWidth(shaped, self.style.fontName, self.style.fontSize))

        lines: list[str] = []
        for part in self.text.splitlines() or [""]:
            current: list[str] = []
            for word in part.split():
                if current and measure([*current, word]) > width:
                    lines.append(" ".join(current))
                    current = []
                current.append(word)
            lines.append(" ".join(current))
        return lines

    def _built(self, width: float) -> Paragraph:
        visual = "<br/>".join(
            xml_escape(pdf_text(line, self.language)) for line in self._lines(width - 1)
        )
        return Paragraph(visual, self.style)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._paragraph = self._built(availWidth)
        width, height = self._paragraph.wrap(availWidth, availHeight)
        self.width, self.height = width, height
        return width, height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        return list(self._built(availWidth).split(availWidth, availHeight))

    def draw(self) -> None:
        if self._paragraph is not None:
            self._paragraph.drawOn(self.canv, 0, 0)


def paragraph(text: object, style: ParagraphStyle = BODY) -> Flowable:
    """`text` as one paragraph, escaped: names and notes are data, not ReportLab markup
    (an "&" or "<" in them would otherwise break the paragraph or the whole PDF). In a
    right-to-left language, shaped, in visual order and aligned right (`pdf_text`)."""
    fonts_register()
    # The active language read once: a pack sets hundreds of paragraphs, and each reading
    # of it goes through the thread-local translation state.
    language = get_language()
    if _right_to_left(language):
        return RightToLeftParagraph(str(text), style)
    # Line by line: ReportLab reads a line break as a space; the text's own breaks (a
    # description's paragraphs, an address) become <br/>, as RightToLeftParagraph keeps them.
    lines = str(text).splitlines() or [""]
    return Paragraph("<br/>".join(xml_escape(pdf_text(line, language)) for line in lines), style)


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

    right_to_left = get_language_bidi()

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
                page = pdf_text(
                    _("Page %(number)d of %(count)d") % {"number": number, "count": count}
                )
                text = pdf_text(footer)
                # Right to left, the page number leads on the left and the team ends right.
                start, end = (page, text) if right_to_left else (text, page)
                self.drawString(MARGIN_SIDE, 10 * mm, start)
                self.drawRightString(PAGE_SIZE[0] - MARGIN_SIDE, 10 * mm, end)
                self.restoreState()
                super().showPage()
            super().save()

    return FooterCanvas
