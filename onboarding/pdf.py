"""The personalised welcome pack: a pure renderer (no database writes) with ReportLab."""

from functools import cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cases.models import Case
from contacts.selectors import staff_display_name
from onboarding.models import PlanStep, TemplateStep

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGION_PORTAL = "https://www.narvikregionen.no"
ACCENT = colors.HexColor("#0b5c8a")
MUTED = colors.HexColor("#566070")
DONE_MARK, OPEN_MARK, SKIPPED_MARK = "\u2611", "\u2610", "\u2013"  # ballot boxes, en dash


@cache
def _fonts() -> tuple[str, str]:
    """Registers DejaVu once per process: it covers æøå, ąęłż and їєґ, which ReportLab's
    built-in fonts do not."""
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")
    return "DejaVuSans", "DejaVuSans-Bold"


@cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10.5, leading=14, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, textColor=MUTED),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=22, leading=27, textColor=ACCENT
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=bold,
            fontSize=14,
            leading=18,
            spaceBefore=10,
            spaceAfter=4,
            textColor=ACCENT,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=base, fontName=bold, fontSize=9.5, leading=12
        ),
    }


def _p(text: object, style: str = "body") -> Paragraph:
    return Paragraph(xml_escape(str(text)), _styles()[style])


def render_welcome_pack(*, case: Case, language: str, link_url: str | None = None) -> bytes:
    """The pack for the case's household in `language`: their names, the region, their
    contacts in the team, their plan as a dated checklist, the local offers that suit them
    and practical links. `link_url`, the newcomer's personal page, is printed only when
    given: the newcomer's own download passes it; a stored or e-mailed pack must not hold
    the link's secret."""
    from onboarding.selectors import offers_for_newcomer, plan_for_case, plan_steps
    from onboarding.services import household_of

    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        newcomer = case.newcomer
        household = household_of(newcomer)
        plan = plan_for_case(case=case)
        steps = list(plan_steps(plan=plan)) if plan else []
        offers = offers_for_newcomer(newcomer=newcomer)
        story: list = []
        place = (
            newcomer.locality.name
            if newcomer.locality
            else (newcomer.municipality.name if newcomer.municipality else _("the Narvik region"))
        )
        story.append(
            _p(
                _("Welcome to %(place)s, %(name)s!") % {"place": place, "name": newcomer.name},
                "title",
            )
        )
        story.append(Spacer(1, 4 * mm))
        story.append(
            _p(
                _(
                    "This is your personal welcome pack from the newcomer team. It lists what "
                    "to do and when, who helps you, and what the region offers your household."
                )
            )
        )
        members = [newcomer.name]
        if household.partner:
            members.append(household.partner.name or _("partner"))
        members += [_("child born %(year)s") % {"year": c.birth_year} for c in household.children]
        story.append(Spacer(1, 2 * mm))
        story.append(_p(_("Household: %(members)s") % {"members": ", ".join(members)}, "small"))
        story.append(
            _p(_("Case reference: %(reference)s") % {"reference": case.reference}, "small")
        )
        if link_url:
            story.append(_p(_("Your personal page: %(url)s") % {"url": link_url}, "small"))

        story.append(_p(_("Your contacts in the team"), "h2"))
        contacts = []
        if case.owner:
            line = staff_display_name(case.owner)
            if case.owner.email:
                line += f" · {case.owner.email}"
            contacts.append(line)
        organisation = case.responsible_organisation
        if organisation:
            line = organisation.name
            details = [v for v in (organisation.email, organisation.phone) if v]
            if details:
                line += " · " + " · ".join(details)
            contacts.append(line)
        if not contacts:
            contacts.append(_("The newcomer team: answer the e-mail this pack came with."))
        story += [_p(line) for line in contacts]

        if steps:
            story.append(_p(_("Your plan"), "h2"))
            if plan:
                story.append(
                    _p(
                        _("Dates count from your move date, %(date)s.")
                        % {"date": formats.date_format(plan.move_date, "DATE_FORMAT")},
                        "small",
                    )
                )
            story.append(Spacer(1, 2 * mm))
            story.append(_plan_table(steps))

        story.append(_p(_("For your household"), "h2"))
        if offers:
            for offer in offers:
                block = [_p(offer.name, "cell_bold")]
                if offer.description:
                    block.append(_p(offer.description, "cell"))
                extra = " · ".join(v for v in (offer.contact, offer.url) if v)
                if extra:
                    block.append(_p(extra, "small"))
                block.append(Spacer(1, 2 * mm))
                story.append(KeepTogether(block))
        else:
            story.append(_p(_("Ask the team about clubs, leisure and services near you.")))

        story.append(_p(_("Useful links"), "h2"))
        links = [REGION_PORTAL]
        for step in steps:
            if step.source_url and step.source_url not in links:
                links.append(step.source_url)
        story += [_p(link, "small") for link in links]

        buffer = BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=16 * mm,
            bottomMargin=16 * mm,
            title=_("Welcome pack"),
            author=_("The newcomer team"),
            subject=case.reference,
            lang=language,
            creator="Tilflytt",
        )
        document.build(story)
        return buffer.getvalue()


def _plan_table(steps: list[PlanStep]) -> Table:
    rows = [
        [
            _p(_("Done"), "cell_bold"),
            _p(_("Step"), "cell_bold"),
            _p(_("When"), "cell_bold"),
            _p(_("Who"), "cell_bold"),
        ]
    ]
    for step in steps:
        mark = (
            DONE_MARK
            if step.status == PlanStep.Status.DONE
            else (SKIPPED_MARK if step.status == PlanStep.Status.SKIPPED else OPEN_MARK)
        )
        who = (
            _("You")
            if step.doer == TemplateStep.Doer.NEWCOMER
            else (step.organisation.name if step.organisation else _("The team"))
        )
        title = [_p(step.title, "cell")]
        if step.doer == TemplateStep.Doer.NEWCOMER and step.guidance:
            title.append(_p(step.guidance, "small"))
        if (
            step.depends_on_id
            and step.depends_on
            and step.depends_on.status == PlanStep.Status.OPEN
        ):
            title.append(_p(_("After: %(title)s") % {"title": step.depends_on.title}, "small"))
        rows.append(
            [
                _p(mark, "cell"),
                title,
                _p(formats.date_format(step.due_date, "SHORT_DATE_FORMAT"), "cell"),
                _p(who, "cell"),
            ]
        )
    table = Table(rows, colWidths=[14 * mm, 92 * mm, 26 * mm, 42 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#d7dce3")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table
