"""The readable copy of a newcomer's data (right of access): a pure renderer over the dict
that privacy.selectors.newcomer_export_data builds, so the PDF and the JSON hold the same."""

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from onboarding.pdf import _styles  # DejaVu (shipped in onboarding/fonts), one registration


def _p(text: object, style: str = "body") -> Paragraph:
    return Paragraph(xml_escape(str(text)), _styles()[style])


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
        _p(f"{name.replace('_', ' ')}: {_value(value)}", "cell")
        for name, value in row.items()
        if name not in skip
    ]


def _section(title: str, rows: list[dict[str, Any]]) -> list[Any]:
    story: list[Any] = [_p(title, "h2")]
    if not rows:
        story.append(_p(_("None."), "small"))
    for row in rows:
        story.extend(_fields(row))
        story.append(Spacer(1, 2 * mm))
    return story


def render_newcomer_export(*, data: dict[str, Any]) -> bytes:
    """Every section of the export, field by field, with labels from the JSON keys."""
    story: list[Any] = [
        _p(_("Your data held by the newcomer team"), "title"),
        Spacer(1, 4 * mm),
        _p(_("Your record"), "h2"),
        *_fields(data["newcomer"]),
    ]
    story += _section(_("Household"), data["household"])
    story += _section(_("Consents"), data["consents"])
    for case in data["cases"]:
        story.append(_p(_("Case %(reference)s") % {"reference": case["reference"]}, "h2"))
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
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Your data held by the newcomer team"),
    )
    document.build(story)
    return buffer.getvalue()
