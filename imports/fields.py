"""Our fields a spreadsheet column can fill, the first guess at which column is which, and
turning one row's cells into clean values (or the reasons it cannot be read)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import Municipality, Newcomer
from contacts.phones import phone_normalise
from imports.reading import date_value, text_value


@dataclass(frozen=True)
class Field:
    key: str
    label: str | Promise
    # Header words (lower case) that suggest this field when the mapping step opens.
    guesses: tuple[str, ...]
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("name", gettext_lazy("Name"), ("name", "navn", "full name", "fullt navn"), True),
    Field("email", gettext_lazy("E-mail"), ("email", "e-mail", "e-post", "epost", "mail")),
    Field("phone", gettext_lazy("Phone"), ("phone", "telefon", "tlf", "mobil", "mobile")),
    Field(
        "reference",
        gettext_lazy("Case reference"),
        ("reference", "case reference", "referanse", "saksnummer", "sak"),
    ),
    Field(
        "preferred_language",
        gettext_lazy("Preferred language"),
        ("language", "språk", "preferred language", "foretrukket språk"),
    ),
    Field("municipality", gettext_lazy("Municipality"), ("municipality", "kommune")),
    Field(
        "planned_move_date",
        gettext_lazy("Planned move date"),
        ("planned move date", "move date", "flyttedato", "planlagt flyttedato", "innflytting"),
    ),
    Field("target_group", gettext_lazy("Target group"), ("target group", "målgruppe")),
    Field(
        "occupation",
        gettext_lazy("Occupation or competence"),
        ("occupation", "yrke", "kompetanse", "jobb"),
    ),
    Field(
        "partner_name",
        gettext_lazy("Partner's name"),
        ("partner", "partner name", "partners navn", "ektefelle"),
    ),
    Field(
        "children_birth_years",
        gettext_lazy("Children's birth years"),
        ("children", "barn", "fødselsår barn", "children's birth years", "barn fødselsår"),
    ),
    Field("interests", gettext_lazy("Interests"), ("interests", "interesser", "fritid")),
    Field(
        "message",
        gettext_lazy("Notes for the case"),
        ("notes", "note", "notat", "notater", "message", "melding", "kommentar", "comment"),
    ),
)
FIELD_KEYS = [f.key for f in FIELDS]
# A row must name someone and say how to find them again on the next run.
MATCH_KEYS = ("email", "phone", "reference")


def mapping_guess(headers: Iterable[str], fields: Iterable[Field] = FIELDS) -> dict[str, str]:
    """field key -> header, for headers whose name says which field they are. Nothing is
    remembered from earlier files: each file's guess comes from its own header only."""
    by_word = {h.lower().strip(" :*"): h for h in headers if h}
    guess: dict[str, str] = {}
    for f in fields:
        for word in (f.key.replace("_", " "), str(f.label).lower(), *f.guesses):
            if word in by_word and by_word[word] not in guess.values():
                guess[f.key] = by_word[word]
                break
    return guess


def mapping_problems(mapping: dict[str, str]) -> list[str]:
    """Why this mapping cannot import anything (required columns not mapped)."""
    problems = []
    if not mapping.get("name"):
        problems.append(_("Required column missing: choose the column with the name."))
    if not any(mapping.get(k) for k in MATCH_KEYS):
        problems.append(
            _(
                "Required column missing: choose a column with the e-mail, the phone or the "
                "case reference, so that a second run finds the same people again."
            )
        )
    return problems


class Lookups:
    """What row values are matched against, loaded once per file: municipalities, and the
    languages and target groups by code and by their names in Norwegian and English."""

    def __init__(self) -> None:
        self.municipalities = {m.name.lower(): m for m in Municipality.objects.all()}
        self.languages: dict[str, str] = {}
        self.target_groups: dict[str, str] = {}
        for code, _label in settings.LANGUAGES:
            self.languages[code] = code
        for lang in ("nb", "en", "pl", "uk"):
            with translation.override(lang):
                for code, label in settings.LANGUAGES:
                    self.languages[str(label).lower()] = code
                for code, label in Newcomer.TargetGroup.choices:
                    self.target_groups[code] = code
                    self.target_groups[str(label).lower()] = code
        # What people write in a "language" column.
        self.languages.update(
            {"norsk": "nb", "bokmål": "nb", "engelsk": "en", "polsk": "pl", "ukrainsk": "uk",
             "polski": "pl", "українська": "uk"}
        )  # fmt: skip


_YEARS = re.compile(r"\d{4}")


def row_values(
    *, cells: dict[str, Any], mapping: dict[str, str], lookups: Lookups
) -> tuple[dict[str, Any], list[str]]:
    """Clean values for our fields from one row, and the reasons it cannot be imported."""
    raw = {key: cells.get(header) for key, header in mapping.items() if header}
    text = {key: text_value(value) for key, value in raw.items()}
    problems: list[str] = []
    out: dict[str, Any] = {key: text.get(key, "") for key in FIELD_KEYS}
    if not out["name"]:
        problems.append(_("The name is empty."))
    if out["email"]:
        out["email"] = out["email"].lower()
        try:
            validate_email(out["email"])
        except ValidationError:
            problems.append(_("“%(value)s” is not an e-mail address.") % {"value": out["email"]})
    if out["phone"]:
        try:
            out["phone"] = phone_normalise(out["phone"])
        except ValueError:
            problems.append(_("“%(value)s” is not a phone number.") % {"value": out["phone"]})
    if not any(out[k] for k in MATCH_KEYS) and not problems:
        problems.append(_("The row has no e-mail, phone or case reference to find it by."))
    language = out["preferred_language"].lower()
    out["preferred_language"] = lookups.languages.get(language, "") if language else "nb"
    if not out["preferred_language"]:
        problems.append(_("Unknown language “%(value)s”.") % {"value": language})
    municipality = out["municipality"].lower()
    out["municipality"] = lookups.municipalities.get(municipality) if municipality else None
    if municipality and out["municipality"] is None:
        problems.append(_("Unknown municipality “%(value)s”.") % {"value": text["municipality"]})
    group = out["target_group"].lower()
    out["target_group"] = (
        lookups.target_groups.get(group, "") if group else Newcomer.TargetGroup.OTHER
    )
    if not out["target_group"]:
        problems.append(_("Unknown target group “%(value)s”.") % {"value": group})
    try:
        out["planned_move_date"] = date_value(raw.get("planned_move_date"))
    except ValueError:
        out["planned_move_date"] = None
        problems.append(
            _("The move date “%(value)s” is not a date; write it as 1.3.2027.")
            % {"value": text["planned_move_date"]}
        )
    out["children_birth_years"] = _birth_years(out["children_birth_years"], problems)
    return out, problems


def _birth_years(value: str, problems: list[str]) -> list[int]:
    this_year = timezone.localdate().year
    years = [int(y) for y in _YEARS.findall(value)]
    if any(not this_year - 30 <= y <= this_year for y in years):
        problems.append(
            _("The children's birth years “%(value)s” are not years.") % {"value": value}
        )
        return []
    if value and not years:
        problems.append(
            _("The children's birth years “%(value)s” are not years.") % {"value": value}
        )
    return years


def today() -> date:
    return timezone.localdate()
