"""Local offers and events from a spreadsheet: the columns, reading one row, and writing it
through onboarding's own service (`local_offer_save`), in the same upload, mapping, dry
run and report flow as newcomers (imports.services.import_file_run).

A row is found again by its web address, else by its name and start date (an event held
every year is a new row each year): a second run of the same file creates nothing twice,
and a changed row updates its offer.
"""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.languages import language_name_own
from contacts.models import Locality, Municipality
from imports.fields import Field
from imports.reading import Row, date_value, text_value
from imports.report import ImportReport, Outcome, RowResult
from onboarding.catalogue import OFFER_FIELDS, local_offer_save
from onboarding.models import LocalOffer


def _description_fields() -> tuple[Field, ...]:
    return tuple(
        Field(
            f"description_{code}",
            format_lazy("{} ({})", gettext_lazy("Description"), language_name_own(code)),
            (f"description {code}", f"beskrivelse {code}", f"description_{code}"),
        )
        for code, _name in settings.LANGUAGES
    )


OFFER_IMPORT_FIELDS: tuple[Field, ...] = (
    Field("name", gettext_lazy("Name"), ("name", "navn", "tilbud", "offer"), True),
    Field("kind", gettext_lazy("Kind"), ("kind", "type", "art", "kategori", "category")),
    *_description_fields(),
    Field("url", gettext_lazy("Web address"), ("url", "web", "nettside", "lenke", "link")),
    Field("contact", gettext_lazy("Contact"), ("contact", "kontakt", "kontaktperson")),
    Field("address", gettext_lazy("Address"), ("address", "adresse", "sted", "venue")),
    Field("starts_on", gettext_lazy("From"), ("from", "start", "fra", "dato", "date")),
    Field("ends_on", gettext_lazy("Until"), ("until", "end", "til", "slutt")),
    Field("municipality", gettext_lazy("Municipality"), ("municipality", "kommune")),
    Field("locality", gettext_lazy("Place"), ("place", "locality", "tettsted", "bygd")),
    Field("age_min", gettext_lazy("For children from age"), ("from age", "fra alder")),
    Field("age_max", gettext_lazy("For children up to age"), ("to age", "til alder")),
    Field("interests", gettext_lazy("Interests"), ("interests", "interesser", "stikkord")),
)
OFFER_FIELD_KEYS = [f.key for f in OFFER_IMPORT_FIELDS]


def offer_mapping_problems(mapping: dict[str, str]) -> list[str]:
    if not mapping.get("name"):
        return [_("Required column missing: choose the column with the name.")]
    return []


class _OfferLookups:
    """Kinds (by code and by their names in each language), municipalities and places,
    loaded once per file."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for value, label in LocalOffer.Kind.choices:
                    self.kinds[value] = value
                    self.kinds[str(label).lower()] = value
        # What people write in a "kind" column.
        self.kinds.update(
            {"forening": "association", "lag": "association", "lag og forening": "association",
             "barnehage": "kindergarten", "skole": "school", "fritid": "leisure",
             "bolig": "housing", "arbeidsgiver": "employer", "arrangement": "event"}
        )  # fmt: skip
        self.municipalities = {m.name.lower(): m for m in Municipality.objects.all()}
        self.localities = {
            (place.municipality_id, place.name.lower()): place
            for place in Locality.objects.select_related("municipality")
        }


def _age(text: str, label: str, problems: list[str]) -> int | None:
    if not text:
        return None
    if text.isdigit() and int(text) <= 120:
        return int(text)
    problems.append(_("%(field)s “%(value)s” is not an age.") % {"field": label, "value": text})
    return None


def _date(raw: Any, text: str, problems: list[str]) -> Any:
    try:
        return date_value(raw)
    except ValueError:
        problems.append(_("“%(value)s” is not a date; write it as 1.3.2027.") % {"value": text})
        return None


def offer_row_values(
    *, cells: dict[str, Any], mapping: dict[str, str], lookups: _OfferLookups
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The offer's fields and descriptions from one row, and why it cannot be imported."""
    raw = {key: cells.get(header) for key, header in mapping.items() if header}
    text = {key: text_value(raw.get(key)) for key in OFFER_FIELD_KEYS}
    problems: list[str] = []
    if not text["name"]:
        problems.append(_("The name is empty."))
    kind = lookups.kinds.get(text["kind"].lower()) if text["kind"] else LocalOffer.Kind.LEISURE
    if kind is None:
        problems.append(_("Unknown kind “%(value)s”.") % {"value": text["kind"]})
    url = text["url"]
    if url and "://" not in url:
        url = f"https://{url}"
    if url:
        try:
            URLValidator()(url)
        except ValidationError:
            problems.append(_("“%(value)s” is not a web address.") % {"value": text["url"]})
    municipality = lookups.municipalities.get(text["municipality"].lower())
    if text["municipality"] and municipality is None:
        problems.append(_("Unknown municipality “%(value)s”.") % {"value": text["municipality"]})
    locality = None
    if text["locality"]:
        found = [
            place
            for (municipality_id, name), place in lookups.localities.items()
            if name == text["locality"].lower()
            and (municipality is None or municipality_id == municipality.pk)
        ]
        if len(found) != 1:
            problems.append(_("Unknown place “%(value)s”.") % {"value": text["locality"]})
        else:
            locality = found[0]
    values = {
        "name": text["name"][:200],
        "kind": kind,
        "url": url,
        "contact": text["contact"],
        "address": text["address"],
        "starts_on": _date(raw.get("starts_on"), text["starts_on"], problems),
        "ends_on": _date(raw.get("ends_on"), text["ends_on"], problems),
        "municipality": municipality,
        "locality": locality,
        "age_min": _age(text["age_min"], str(_("From age")), problems),
        "age_max": _age(text["age_max"], str(_("To age")), problems),
        "interests": text["interests"],
        "partner_job_seekers": False,
        "is_active": True,
    }
    if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
        problems.append(_("The offer ends before it starts."))
    descriptions = {
        code: text[f"description_{code}"]
        for code, _name in settings.LANGUAGES
        if text[f"description_{code}"]
    }
    return values, descriptions, problems


def _offer_find(values: dict[str, Any]) -> LocalOffer | None:
    if values["url"]:
        found = LocalOffer.objects.filter(url=values["url"]).order_by("pk").first()
        if found is not None:
            return found
    return (
        LocalOffer.objects.filter(name__iexact=values["name"], starts_on=values["starts_on"])
        .order_by("pk")
        .first()
    )


def offer_rows_import(
    *, rows: Iterator[Row], mapping: dict[str, str], actor: User, report: ImportReport
) -> None:
    """Each readable row creates or updates one offer in its own savepoint; a row that
    cannot be read, or repeats an earlier row, is refused with its reasons."""
    lookups = _OfferLookups()
    seen: dict[str, int] = {}
    for row in rows:
        values, descriptions, problems = offer_row_values(
            cells=row.values, mapping=mapping, lookups=lookups
        )
        problems = row.problems + problems
        key = values["url"] or f"{values['name'].lower()}|{values['starts_on']}"
        if key in seen:
            problems.append(_("The same offer as row %(row)s.") % {"row": seen[key]})
        seen.setdefault(key, row.number)
        result = RowResult(number=row.number, outcome=Outcome.REFUSED, name=values["name"])
        if not problems:
            try:
                with transaction.atomic():
                    result.outcome = _offer_row(values, descriptions, actor)
                result.reasons = list(row.notes)
            except (ValidationError, IntegrityError) as error:
                problems = (
                    list(error.messages)
                    if isinstance(error, ValidationError)
                    else [_("This row conflicts with an offer saved meanwhile; run again.")]
                )
        if problems:
            result.outcome = Outcome.REFUSED
            result.reasons = problems
        report.add(result)


def _offer_row(values: dict[str, Any], descriptions: dict[str, str], actor: User) -> str:
    offer = _offer_find(values)
    if offer is None:
        local_offer_save(descriptions=descriptions, fields=values, actor=actor)
        return Outcome.CREATED
    merged = {**offer.descriptions, **descriptions}
    same = merged == offer.descriptions and all(
        getattr(offer, name) == values[name] for name in OFFER_FIELDS if name != "is_active"
    )
    if same:
        return Outcome.UNCHANGED
    local_offer_save(offer=offer, descriptions=merged, fields=values, actor=actor)
    return Outcome.UPDATED
