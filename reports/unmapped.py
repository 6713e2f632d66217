"""Occupations still written as free text only: what `map_occupations` could not code,
grouped and counted for staff, with the cases they occur on (the visible ones only)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Min, QuerySet, Window
from django.db.models.functions import Lower, RowNumber, Trim

from cases.models import Case
from cases.selectors import case_list_visible
from contacts.models import HouseholdMember
from occupations.text import occupation_normalise

# Groups shown, and cases shown per group; the counts cover all.
GROUPS_SHOWN = 100
CASES_PER_GROUP = 5


@dataclass(frozen=True)
class Occurrence:
    case_id: int
    reference: str
    member_id: int | None  # None: the newcomer's own occupation


@dataclass
class UnmappedGroup:
    label: str  # the most common spelling
    people: int  # newcomers and adult household members with this text and no code
    occurrences: list[Occurrence] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # LOWER(TRIM()) spellings that fold here


def _uncoded_newcomers(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.filter(newcomer__occupation_code=None, newcomer__erased_at=None).exclude(
        newcomer__occupation=""
    )


def _uncoded_members(cases: QuerySet[Case]) -> QuerySet[HouseholdMember]:
    return (
        HouseholdMember.objects.filter(
            occupation_code=None, newcomer_id__in=cases.values("newcomer_id")
        )
        .exclude(occupation="")
        .exclude(relation=HouseholdMember.Relation.CHILD)
    )


def unmapped_occupations(*, user: User | AnonymousUser) -> tuple[list[UnmappedGroup], int]:
    """The uncoded free texts on the cases `user` may see, most frequent first, and how
    many groups there are in all.

    Four queries whatever the number of cases: 1-2. counts per LOWER(TRIM(text)) for
    newcomers and for adult household members (Python then folds accents and spacing
    together as the mapping does, so "Økonom" and "okonom" are one group); 3-4. for the
    groups shown, the latest few cases of each (ROW_NUMBER per spelling)."""
    cases = case_list_visible(user=user)
    groups: dict[str, UnmappedGroup] = {}
    spellings: dict[str, list[tuple[int, str]]] = defaultdict(list)

    newcomer_rows = (
        _uncoded_newcomers(cases)
        .annotate(key=Lower(Trim("newcomer__occupation")))
        .values("key")
        .annotate(n=Count("newcomer_id", distinct=True), label=Min(Trim("newcomer__occupation")))
        .order_by()
    )
    member_rows = (
        _uncoded_members(cases)
        .annotate(key=Lower(Trim("occupation")))
        .values("key")
        .annotate(n=Count("pk"), label=Min(Trim("occupation")))
        .order_by()
    )
    for row in [*newcomer_rows, *member_rows]:
        norm = occupation_normalise(row["key"])
        if not norm:
            continue
        group = groups.setdefault(norm, UnmappedGroup(label=row["label"], people=0))
        group.people += row["n"]
        group.keys.add(row["key"])
        spellings[norm].append((row["n"], row["label"]))
    for norm, group in groups.items():
        group.label = max(spellings[norm], key=lambda pair: (pair[0], pair[1]))[1]

    shown = sorted(groups.values(), key=lambda g: (-g.people, g.label.casefold()))[:GROUPS_SHOWN]
    by_key = {key: group for group in shown for key in group.keys}
    if by_key:
        _add_occurrences(cases, by_key)
    return shown, len(groups)


def _add_occurrences(cases: QuerySet[Case], by_key: dict[str, UnmappedGroup]) -> None:
    key = Lower(Trim("newcomer__occupation"))
    rows = (
        _uncoded_newcomers(cases)
        .annotate(key=key)
        .filter(key__in=list(by_key))
        .annotate(rank=Window(RowNumber(), partition_by=[key], order_by=F("created_at").desc()))
        .filter(rank__lte=CASES_PER_GROUP)
        .values("pk", "reference", "key")
    )
    for row in rows:
        group = by_key[row["key"]]
        if len(group.occurrences) < CASES_PER_GROUP:
            group.occurrences.append(Occurrence(row["pk"], row["reference"], None))

    # Household members: their newcomer's latest visible case.
    member_key = Lower(Trim("occupation"))
    members = list(
        _uncoded_members(cases)
        .annotate(key=member_key)
        .filter(key__in=list(by_key))
        .annotate(rank=Window(RowNumber(), partition_by=[member_key], order_by=F("pk").desc()))
        .filter(rank__lte=CASES_PER_GROUP)
        .values("pk", "key", "newcomer_id")
    )
    latest: dict[int, tuple[int, str]] = {}
    newcomer_cases = (
        cases.filter(newcomer_id__in={m["newcomer_id"] for m in members})
        .order_by("newcomer_id", "created_at")
        .values_list("newcomer_id", "pk", "reference")
    )
    for newcomer_id, pk, reference in newcomer_cases:
        latest[newcomer_id] = (pk, reference)
    for member in members:
        group = by_key[member["key"]]
        case = latest.get(member["newcomer_id"])
        if case and len(group.occurrences) < CASES_PER_GROUP:
            group.occurrences.append(Occurrence(case[0], case[1], member["pk"]))
