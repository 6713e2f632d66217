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
        story.extend(_fields(row if isinstance(row, dict) else {"value": row}))
        story.append(Spacer(1, 2 * mm))
    return story


def _titles() -> dict[str, str]:
    """Headings of the sections the copy has today, in the active language. A section a
    new unit adds (config.personal_data) still prints, under its key, so the PDF never
    holds less than the JSON."""
    return {
        "household": _("Household"),
        "consents": _("Consents"),
        "personal_links": _("Your personal links"),
        "events": _("Timeline"),
        "notes": _("Notes"),
        "followups": _("Follow-ups"),
        "messages_from_newcomer": _("Your messages to the team"),
        "messages": _("E-mails between you and the team"),
        "plan_steps": _("Onboarding plan"),
        "welcome_packs": _("Welcome packs"),
        "emails": _("E-mails sent to you"),
        "data_requests": _("Your requests about your data"),
        "access_log": _("Who accessed your data"),
    }


def _title(key: str, titles: dict[str, str]) -> str:
    return titles.get(key) or key.replace("_", " ").capitalize()


def render_newcomer_export(*, data: dict[str, Any]) -> bytes:
    """Every section of the export, field by field, with labels from the JSON keys."""
    titles = _titles()
    story: list[Any] = [
        paragraph(_("Your data held by the newcomer team"), TITLE),
        Spacer(1, 4 * mm),
        paragraph(_("Your record"), HEADING),
        *_fields(data["newcomer"]),
    ]
    for key, value in data.items():
        if key == "newcomer":
            continue
        if key == "cases":
            for case in value:
                story.append(
                    paragraph(_("Case %(reference)s") % {"reference": case["reference"]}, HEADING)
                )
                lists = [
                    k
                    for k, v in case.items()
                    if isinstance(v, list) and k not in ("topics", "shared_with")
                ]
                story.extend(_fields(case, skip=tuple(lists)))
                for name in lists:
                    story += _section(_title(name, titles), case[name])
            continue
        story += _section(_title(key, titles), value if isinstance(value, list) else [value])
    return document_render(
        story,
        title=_("Your data held by the newcomer team"),
        author=_("The newcomer team"),
    )
