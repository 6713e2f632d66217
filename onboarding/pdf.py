"""The personalised welcome pack: a pure renderer (no database writes) with ReportLab."""

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from cases.models import Case
from config.pdf import (
    ACCENT,
    CELL,
    CELL_BOLD,
    HEADING,
    LINE,
    SMALL_MUTED,
    TITLE,
    document_render,
    paragraph,
    pdf_text,
)
from contacts.models import HouseholdMember
from contacts.selectors import staff_display_name
from onboarding.models import PlanStep, TemplateStep
from onboarding.selectors import household_of, offers_for_newcomer, plan_for_case, plan_steps

REGION_PORTAL = "https://www.narvikregionen.no"
DONE_MARK, OPEN_MARK, SKIPPED_MARK = "\u2611", "\u2610", "\u2013"  # ballot boxes, en dash


def render_welcome_pack(*, case: Case, language: str, link_url: str | None = None) -> bytes:
    """The pack for the case's household in `language`: their names, the region, their
    contacts in the team, their plan as a dated checklist, the local offers that suit them
    and practical links. `link_url`, the newcomer's personal page, is printed only when
    given: the newcomer's own download passes it; a stored or e-mailed pack must not hold
    the link's secret."""

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
            story.append(
                paragraph(_("Your personal page: %(url)s") % {"url": link_url}, SMALL_MUTED)
            )

        story.append(paragraph(_("Your contacts in the team"), HEADING))
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
        story += [paragraph(line) for line in contacts]

        if steps:
            story.append(paragraph(_("Your plan"), HEADING))
            if plan:
                story.append(
                    paragraph(
                        _("Dates count from your move date, %(date)s.")
                        % {"date": formats.date_format(plan.move_date, "DATE_FORMAT")},
                        SMALL_MUTED,
                    )
                )
            story.append(Spacer(1, 2 * mm))
            story.append(_plan_table(steps))

        story.append(paragraph(_("For your household"), HEADING))
        if offers:
            for offer in offers:
                block = [paragraph(offer.name, CELL_BOLD)]
                if offer.description:
                    block.append(paragraph(offer.description, CELL))
                extra = " · ".join(v for v in (offer.contact, offer.url) if v)
                if extra:
                    block.append(paragraph(extra, SMALL_MUTED))
                block.append(Spacer(1, 2 * mm))
                story.append(KeepTogether(block))
        else:
            story.append(paragraph(_("Ask the team about clubs, leisure and services near you.")))

        story.append(paragraph(_("Useful links"), HEADING))
        links = [REGION_PORTAL]
        for step in steps:
            if step.source_link and step.source_link not in links:
                links.append(step.source_link)
        story += [paragraph(link, SMALL_MUTED) for link in links]

        return document_render(
            story,
            title=_("Welcome pack"),
            author=_("The newcomer team"),
            subject=case.reference,
        )


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
        if step.doer != TemplateStep.Doer.NEWCOMER:
            who = step.organisation.name if step.organisation else _("The team")
        elif step.member and step.member.relation == HouseholdMember.Relation.PARTNER:
            who = step.member.name or _("Your partner")  # the partner's step is theirs
        else:
            who = _("You")
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
        if (
            step.depends_on_id
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
