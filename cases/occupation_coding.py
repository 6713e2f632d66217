"""Coding one free-text occupation everywhere at once, from the list of occupations without
a code (reports): every newcomer and adult household member whose text reads the same
(occupations.text's normal form) and who has no code yet gets the code staff chose, each
on the timeline of the newcomer's cases."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction

from cases.events import case_event_record
from cases.models import Case
from contacts.models import HouseholdMember, Newcomer
from contacts.occupation_mapping import MappingResult
from contacts.selectors import staff_access
from occupations.models import Occupation
from occupations.text import occupation_normalise


@transaction.atomic
def occupation_text_code(*, text: str, occupation: Occupation, actor: User) -> MappingResult:
    """Codes all uncoded `text` (as normalised) with `occupation`. Coordinators only: it
    reaches every case in the region, so the one who does it must see them all.

    1. Reads the uncoded texts and keeps those that normalise as `text` does (the
       database cannot fold accents as the mapping does).
    2. Sets the code with an UPDATE conditional on it being still empty: a code staff set
       meanwhile stays.
    3. Writes one timeline row per case of each newcomer changed (field names only)."""
    if not staff_access(actor).sees_all:
        raise PermissionDenied
    key = occupation_normalise(text)
    if not key:
        return MappingResult(newcomers=0, household_members=0)
    newcomer_ids = [
        pk
        for pk, words in Newcomer.objects.filter(occupation_code=None, erased_at=None)
        .exclude(occupation="")
        .values_list("pk", "occupation")
        .iterator()
        if occupation_normalise(words) == key
    ]
    members = [
        (pk, newcomer_id)
        for pk, newcomer_id, words in HouseholdMember.objects.filter(occupation_code=None)
        .exclude(occupation="")
        .exclude(relation=HouseholdMember.Relation.CHILD)
        .values_list("pk", "newcomer_id", "occupation")
        .iterator()
        if occupation_normalise(words) == key
    ]
    changed_newcomers = list(
        Newcomer.objects.filter(pk__in=newcomer_ids, occupation_code=None).values_list(
            "pk", flat=True
        )
    )
    Newcomer.objects.filter(pk__in=changed_newcomers).update(occupation_code=occupation)
    changed_members = list(
        HouseholdMember.objects.filter(
            pk__in=[pk for pk, _n in members], occupation_code=None
        ).values_list("pk", "newcomer_id")
    )
    HouseholdMember.objects.filter(pk__in=[pk for pk, _n in changed_members]).update(
        occupation_code=occupation
    )
    cases_of: dict[int, list[Case]] = {}
    for case in Case.objects.filter(
        newcomer_id__in={*changed_newcomers, *(n for _pk, n in changed_members)}
    ).order_by("pk"):
        cases_of.setdefault(case.newcomer_id, []).append(case)
    for newcomer_id in changed_newcomers:
        for case in cases_of.get(newcomer_id, []):
            case_event_record(
                case=case,
                kind="contacts.newcomer.updated",
                actor=actor,
                data={"fields": ["occupation_code"]},
            )
    for member_id, newcomer_id in changed_members:
        for case in cases_of.get(newcomer_id, []):
            case_event_record(
                case=case,
                kind="contacts.household.updated",
                actor=actor,
                data={"member": member_id, "fields": ["occupation_code"]},
            )
    return MappingResult(newcomers=len(changed_newcomers), household_members=len(changed_members))
