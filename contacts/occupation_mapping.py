"""Codes for occupations recorded as free text, where the text names one occupation only.

The intake and imports record occupations as the newcomer wrote them. `map_free_text`
codes the ones whose text, normalised (case, accents, spacing: occupations.text), equals a
title or synonym of exactly one occupation, preferring the most specific level: "Sveiser"
and "sveiser " are 7212; "Veterinærer" is the unit group 2250, not its minor group 225 of
the same title. A text that names several groups at one level is left for staff (the
Unmapped occupations page in reports). Erased newcomers' texts are gone already, and
children have none.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from contacts.models import HouseholdMember, Newcomer
from occupations.models import Occupation
from occupations.selectors import occupation_phrases
from occupations.text import occupation_normalise


@dataclass(frozen=True)
class MappingResult:
    newcomers: int
    household_members: int


def occupation_index() -> dict[str, str | None]:
    """Each normalised title or synonym: the code it names, or None if it names more than
    one group at its most specific level."""
    found: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for occupation in Occupation.objects.only("code", "level", "title_nb", "title_en", "synonyms"):
        for phrase in occupation_phrases(occupation):
            found[phrase][occupation.level].add(occupation.code)
    index: dict[str, str | None] = {}
    for phrase, by_level in found.items():
        codes = by_level[max(by_level)]
        index[phrase] = next(iter(codes)) if len(codes) == 1 else None
    return index


def occupation_code_for(text: str, index: dict[str, str | None] | None = None) -> str | None:
    """The one code a free text names, or None."""
    if index is None:
        index = occupation_index()
    return index.get(occupation_normalise(text))


@transaction.atomic
def map_free_text(*, dry_run: bool = False, newcomer_id: int | None = None) -> MappingResult:
    """Sets the code of every newcomer and adult household member whose free text names
    one occupation and who has no code yet. Idempotent, and never overwrites a code: each
    UPDATE is conditional on the code still being empty, so a code staff set meanwhile
    (or on an earlier run) stays. With `dry_run`, counts what it would set."""
    index = occupation_index()
    newcomers = Newcomer.objects.filter(occupation_code=None, erased_at=None).exclude(occupation="")
    members = (
        HouseholdMember.objects.filter(occupation_code=None)
        .exclude(occupation="")
        .exclude(relation=HouseholdMember.Relation.CHILD)
    )
    if newcomer_id is not None:  # one newcomer and their household (occupation_map_one)
        newcomers = newcomers.filter(pk=newcomer_id)
        members = members.filter(newcomer_id=newcomer_id)
    counts = []
    for queryset in (newcomers, members):
        by_code: dict[str, list[int]] = defaultdict(list)
        for pk, text in queryset.values_list("pk", "occupation").iterator():
            code = index.get(occupation_normalise(text))
            if code:
                by_code[code].append(pk)
        if dry_run:
            counts.append(sum(len(pks) for pks in by_code.values()))
            continue
        updated = 0
        for code, pks in by_code.items():
            for start in range(0, len(pks), 1000):
                chunk = pks[start : start + 1000]
                updated += queryset.model.objects.filter(pk__in=chunk, occupation_code=None).update(
                    occupation_code=code
                )
        counts.append(updated)
    return MappingResult(newcomers=counts[0], household_members=counts[1])


def occupation_map_one(*, newcomer_id: int) -> MappingResult:
    """Codes the free text of one newcomer and their household, as map_free_text does for
    all: called when the intake, an import or staff record new text, so new text is coded
    without a rerun of `map_occupations`. Never overwrites a code."""
    return map_free_text(newcomer_id=newcomer_id)
