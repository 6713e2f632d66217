"""The personalised welcome pack: a pure renderer (no database writes) with ReportLab.

It reads as a letter from the municipality: the team's logo and contact details at the
top, the date, the household's names, their personal page as an address and a QR code,
their contacts, their plan as a dated checklist, the offers that suit them with contact,
address, web address and next dates, and the official pages, each named. Every page
carries "Page N of M". Every text goes through config.pdf.paragraph.
"""

from datetime import date

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from cases.models import Case
from config.pdf import (
    ACCENT,
    CELL,
    CELL_BOLD,
    FRAME_WIDTH,
    LINE,
    SMALL_MUTED,
    TITLE,
    document_render,
    image,
    paragraph,
    pdf_text,
)
from config.pdf import (
    HEADING as HOUSE_HEADING,
)
from contacts.models import Organisation
from contacts.selectors import staff_display_name
from onboarding.models import LocalOffer, PlanStep, TemplateStep
from onboarding.selectors import (
    household_of,
    offers_for_newcomer,
    plan_for_case,
    plan_steps,
    steps_for_newcomer,
)

REGION_PORTAL = "https://www.narvikregionen.no"
# A heading never ends a page: it moves on with what it heads.
HEADING = ParagraphStyle("pack_heading", parent=HOUSE_HEADING, keepWithNext=1)
DONE_MARK, OPEN_MARK, SKIPPED_MARK = "\u2611", "\u2610", "\u2013"  # ballot boxes, en dash


def render_welcome_pack(*, case: Case, language: str, link_url: str | None = None) -> bytes:
    """The pack for the case's household in `language`. `link_url`, the newcomer's personal
    page, is printed (as text and as a QR code) only when given: the newcomer's own
    download passes it; a stored or e-mailed pack must not hold the link's secret."""

    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        newcomer = case.newcomer
        household = household_of(newcomer)
        plan = plan_for_case(case=case)
        steps = list(steps_for_newcomer(plan_steps(plan=plan))) if plan else []
        offers = offers_for_newcomer(newcomer=newcomer, household=household)
        organisation = case.responsible_organisation
        story: list[Flowable] = [_letterhead(organisation), Spacer(1, 6 * mm)]
        story.append(paragraph(_date(timezone.localdate()), SMALL_MUTED))
        story.append(Spacer(1, 4 * mm))
        place = (
            newcomer.locality.name
            if newcomer.locality
            else (newcomer.municipality.name if newcomer.municipality else _("the Narvik region"))
        )
        story.append(
            paragraph(
                _("Welcome to %(place)s, %(name)s!") % {"place": place, "name": newcomer.name},
                TITLE,
            )
        )
        story.append(Spacer(1, 4 * mm))
        story.append(
            paragraph(
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
        story.append(
            paragraph(_("Household: %(members)s") % {"members": ", ".join(members)}, SMALL_MUTED)
        )
        story.append(
            paragraph(
                _("Case reference: %(reference)s") % {"reference": case.reference}, SMALL_MUTED
            )
        )
        if link_url:
            story.append(Spacer(1, 4 * mm))
            story.append(_personal_link(link_url))

        story.append(paragraph(_("Your contacts in the team"), HEADING))
        if case.owner:
            line = staff_display_name(case.owner)
            if case.owner.email:
                line += f" · {case.owner.email}"
            story.append(paragraph(line))
        if organisation:
            story.extend(_organisation_block(organisation))
        if not case.owner and not organisation:
            story.append(paragraph(_("The newcomer team: answer the e-mail this pack came with.")))

        if steps:
            story.append(paragraph(_("Your plan"), HEADING))
            if plan:
                story.append(
                    paragraph(
                        _("Dates count from your move date, %(date)s.")
                        % {"date": _date(plan.move_date)},
                        SMALL_MUTED,
                    )
                )
            story.append(Spacer(1, 2 * mm))
            story.append(_plan_table(steps))

        story.append(paragraph(_("For your household"), HEADING))
        if offers:
            story += [_offer(offer) for offer in offers]
        else:
            story.append(paragraph(_("Ask the team about clubs, leisure and services near you.")))

        story.append(paragraph(_("Useful links"), HEADING))
        links = {REGION_PORTAL: _("The region's portal")}
        for step in steps:
            if step.source_link and step.source_link not in links:
                links[step.source_link] = step.title
        for url, label in links.items():
            pair = [paragraph(label, CELL), paragraph(url, SMALL_MUTED), Spacer(1, 1.5 * mm)]
            story.append(KeepTogether(pair))

        return document_render(
            story,
            title=_("Welcome pack"),
            author=settings.TEAM_NAME,
            subject=case.reference,
            footer=f"{settings.TEAM_NAME} · {case.reference}",
        )


def _date(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _organisation_lines(organisation: Organisation) -> list[str]:
    """The organisation's address, phone, e-mail and opening hours, as printed lines."""
    lines = [part.strip() for part in organisation.address.splitlines() if part.strip()]
    if organisation.phone:
        lines.append(_("Phone: %(phone)s") % {"phone": organisation.phone})
    if organisation.email:
        lines.append(_("E-mail: %(email)s") % {"email": organisation.email})
    if hours := organisation.opening_hours:
        lines.append(_("Opening hours: %(hours)s") % {"hours": hours})
    return lines


def _organisation_block(organisation: Organisation) -> list[Flowable]:
    """The organisation and what it does beside how to reach it: side by side, so the
    description costs the plan no room on the first page. A table row cannot break across
    pages, so a description longer than the screens allow (saved before the limit, or by
    hand) or of many short lines follows under it at full width, where it can."""
    about = [paragraph(organisation.name, CELL_BOLD)]
    below: list[Flowable] = []
    if description := organisation.description:
        described = paragraph(description, SMALL_MUTED)
        lines = description.count("\n") + 1
        beside = len(description) <= Organisation.DESCRIPTION_MAX_LENGTH and lines <= 10
        (about if beside else below).append(described)
    reach = [paragraph(line) for line in _organisation_lines(organisation)]
    cells = [about, reach]
    if get_language_bidi():  # right to left, the organisation's name leads on the right
        cells.reverse()
    # Halves of the width the frame gives, so the columns line up with the text around.
    table = Table([cells], colWidths=["50%", "50%"])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table, *below]


def _letterhead(organisation: Organisation | None) -> Table:
    """The logo and the team's name on the left; the responsible organisation's address and
    contact details on the right, as on a municipality's letter paper."""
    logo: Flowable = (
        image(settings.TEAM_LOGO, width=18 * mm, height=18 * mm)
        if settings.TEAM_LOGO and settings.TEAM_LOGO.is_file()
        else Spacer(18 * mm, 18 * mm)
    )
    left = [paragraph(settings.TEAM_NAME, CELL_BOLD)]
    right = []
    if organisation:
        left.append(paragraph(organisation.name, SMALL_MUTED))
        right = [paragraph(line, SMALL_MUTED) for line in _organisation_lines(organisation)]
    table = Table(
        [[logo, left, right]],
        colWidths=[22 * mm, FRAME_WIDTH / 2 - 22 * mm, FRAME_WIDTH / 2],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


QR_SIZE = 34 * mm


def _personal_link(url: str) -> Table:
    """The personal page as a QR code beside its address, written out for typing."""
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE,
        QR_SIZE,
        transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0],
    )
    drawing.add(widget)
    text = [
        paragraph(_("Your personal page"), CELL_BOLD),
        paragraph(
            _(
                "Scan the code with your phone's camera, or type the address below. Keep it "
                "to yourself: anyone who has it can see and change your page."
            ),
            CELL,
        ),
        Spacer(1, 2 * mm),
        paragraph(url, CELL),
    ]
    table = Table([[drawing, text]], colWidths=[QR_SIZE + 6 * mm, FRAME_WIDTH - QR_SIZE - 6 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 0.5, LINE),
                ("LEFTPADDING", (0, 0), (0, 0), 3),
            ]
        )
    )
    return table


def _offer(offer: LocalOffer) -> KeepTogether:
    """One offer: its name and description, who to contact and how, where, its web address
    and its next dates."""
    block = [paragraph(offer.name, CELL_BOLD)]
    if offer.description:
        block.append(paragraph(offer.description, CELL))
    reach = [offer.contact] if offer.contact else []
    if offer.phone:
        reach.append(_("Phone: %(phone)s") % {"phone": offer.phone})
    if offer.email:
        reach.append(_("E-mail: %(email)s") % {"email": offer.email})
    for line in (" · ".join(reach), offer.address, offer.url):
        if line:
            block.append(paragraph(line, SMALL_MUTED))
    upcoming = getattr(offer, "upcoming_dates", [])[:3]
    if upcoming:
        when = ", ".join(
            _date(d.date) + (f" {formats.time_format(d.time, 'TIME_FORMAT')}" if d.time else "")
            for d in upcoming
        )
        block.append(paragraph(_("Next dates: %(dates)s") % {"dates": when}, SMALL_MUTED))
    block.append(Spacer(1, 2 * mm))
    return KeepTogether(block)


# The table's default cell padding, left and right, in points.
CELL_PADDING = 6
PLAN_TABLE_WIDTH = 174 * mm


def _fitted_width(text: str, minimum: float) -> float:
    """The width a one-word column header needs so it never breaks mid-word ("Utfør/t",
    "Вико/нано"): its measured width in the bold cell font plus the cell padding."""
    measured = stringWidth(pdf_text(text), CELL_BOLD.fontName, CELL_BOLD.fontSize)
    return max(minimum, measured + 2 * CELL_PADDING + 1)


def _plan_table(steps: list[PlanStep]) -> Table:
    done_header, when_header = _("Done"), _("When")
    done_width = _fitted_width(done_header, 14 * mm)
    # The "When" column holds a short date; its header may be longer in some languages.
    when_width = _fitted_width(when_header, 26 * mm)
    who_width = 42 * mm
    step_width = PLAN_TABLE_WIDTH - done_width - when_width - who_width
    rows = [
        [
            paragraph(done_header, CELL_BOLD),
            paragraph(_("Step"), CELL_BOLD),
            paragraph(when_header, CELL_BOLD),
            paragraph(_("Who"), CELL_BOLD),
        ]
    ]
    for step in steps:
        mark = (
            DONE_MARK
            if step.status == PlanStep.Status.DONE
            else (SKIPPED_MARK if step.status == PlanStep.Status.SKIPPED else OPEN_MARK)
        )
        who = step.who
        title = [paragraph(step.title, CELL)]
        if step.doer == TemplateStep.Doer.NEWCOMER and step.guidance:
            title.append(paragraph(step.guidance, SMALL_MUTED))
            if step.source_link:
                source = step.source_link
                if step.checked_on:
                    source += " · " + _("facts checked %(date)s") % {
                        "date": formats.date_format(step.checked_on, "DATE_FORMAT")
                    }
                title.append(paragraph(source, SMALL_MUTED))
        # Only a step still to do waits (a step done or skipped may name one reopened since,
        # or one the pack leaves out as resting).
        if (
            step.status == PlanStep.Status.OPEN
            and step.depends_on_id
            and step.depends_on
            and step.depends_on.status == PlanStep.Status.OPEN
        ):
            title.append(
                paragraph(_("After: %(title)s") % {"title": step.depends_on.title}, SMALL_MUTED)
            )
        rows.append(
            [
                paragraph(mark, CELL),
                title,
                paragraph(formats.date_format(step.due_date, "SHORT_DATE_FORMAT"), CELL),
                paragraph(who, CELL),
            ]
        )
    widths = [done_width, step_width, when_width, who_width]
    if get_language_bidi():  # a right-to-left reader starts at the right: mirror the columns
        rows = [row[::-1] for row in rows]
        widths.reverse()
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, LINE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table
