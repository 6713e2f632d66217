"""The readable copy of a newcomer's data (right of access): a pure renderer over the dict
that privacy.selectors.newcomer_export_data builds, so the PDF and the JSON hold the same."""

from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from config.pdf import CELL, HEADING, SMALL_MUTED, TITLE, document_render, paragraph

EMPTY = "\u2013"  # an en dash for an empty value


def _value(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, dict):
        if set(value) == {"id", "name"}:
            return str(value["name"])
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or EMPTY
    return str(value)


def _fields(row: dict[str, Any], skip: tuple[str, ...] = ()) -> list[Paragraph]:
    return [
        paragraph(f"{name.replace('_', ' ')}: {_value(value)}", CELL)
        for name, value in row.items()
        if name not in skip
    ]


def _section(title: str, rows: list[dict[str, Any]]) -> list[Any]:
    story: list[Any] = [paragraph(title, HEADING)]
    if not rows:
        story.append(paragraph(_("None."), SMALL_MUTED))
    for row in rows:
        story.extend(_fields(row))
        story.append(Spacer(1, 2 * mm))
    return story


def render_newcomer_export(*, data: dict[str, Any]) -> bytes:
    """Every section of the export, field by field, with labels from the JSON keys."""
    story: list[Any] = [
        paragraph(_("Your data held by the newcomer team"), TITLE),
        Spacer(1, 4 * mm),
        paragraph(_("Your record"), HEADING),
        *_fields(data["newcomer"]),
    ]
    story += _section(_("Household"), data["household"])
    story += _section(_("Consents"), data["consents"])
    for case in data["cases"]:
        story.append(paragraph(_("Case %(reference)s") % {"reference": case["reference"]}, HEADING))
        story.extend(
            _fields(case, skip=("events", "notes", "followups", "plan_steps", "welcome_packs"))
        )
        story += _section(_("Timeline"), case["events"])
        story += _section(_("Notes"), case["notes"])
        story += _section(_("Follow-ups"), case["followups"])
        story += _section(_("Onboarding plan"), case["plan_steps"])
        story += _section(_("Welcome packs"), case["welcome_packs"])
    story += _section(_("E-mails sent to you"), data["emails"])
    story += _section(_("Who accessed your data"), data["access_log"])
    return document_render(
        story,
        title=_("Your data held by the newcomer team"),
        author=_("The newcomer team"),
    )
