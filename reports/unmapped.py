"""Occupations still written as free text only: what `map_occupations` could not code,
grouped and counted for staff, with the cases they occur on (the visible ones only)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import Lower, RowNumber, Trim

from cases.models import Case
from cases.selectors import case_list_visible
from contacts.models import UNCODED_OCCUPATION, HouseholdMember, Newcomer, OccupationTally
from contacts.occupation_tally import occupation_tally_compact, occupation_tally_texts
from contacts.selectors import staff_access
from occupations.text import occupation_normalise
from reports.selectors.scope import figures_planner

# Groups shown, and cases shown per group; the counts cover all.
GROUPS_SHOWN = 100
CASES_PER_GROUP = 5
# The newest cases read first to find the shown groups' latest (_add_case_occurrences).
RECENT_CASES_READ = 2000


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


def _uncoded_newcomers() -> QuerySet[Newcomer]:
    return Newcomer.objects.filter(UNCODED_OCCUPATION, erased_at=None)


def _through_newcomer(rule: Q) -> Q:
    """`rule`, written on the newcomer's fields, as a condition on cases (their newcomer):
    the one definition of "uncoded" serves both."""
    children: list[Q | tuple[str, Any]] = []
    for child in rule.children:
        if isinstance(child, Q):
            children.append(_through_newcomer(child))
        else:
            field, value = cast(tuple[str, Any], child)
            children.append((f"newcomer__{field}", value))
    return Q(*children, _connector=rule.connector, _negated=rule.negated)


def _uncoded_members() -> QuerySet[HouseholdMember]:
    return HouseholdMember.objects.filter(UNCODED_OCCUPATION).exclude(
        relation=HouseholdMember.Relation.CHILD
    )


def _per_spelling(texts: QuerySet[Any]) -> list[tuple[str, int, str]]:
    """(LOWER(TRIM(text)), people, MIN(TRIM(text))) for each spelling, from `texts`: rows of
    (occupation, n) per text as written.

    The texts are counted as written first, and LOWER and TRIM applied to those few
    distinct texts only: over every person they took half the query's time (875,290 rows
    at a million cases). The database, not Python, lowers the texts, so the spellings stay
    the ones the occurrence queries match (SQLite lowers ASCII only)."""
    try:
        sql, params = texts.query.get_compiler(using=texts.db).as_sql()
    except EmptyResultSet:  # no visible case at all (signed out): the ORM's empty answer
        return []
    # Only Django's own SQL and its parameters go in: no input is formatted into it.
    query = (
        "SELECT LOWER(TRIM(occupation)), SUM(n), MIN(TRIM(occupation))"  # noqa: S608  # nosec B608
        f" FROM ({sql}) AS texts GROUP BY LOWER(TRIM(occupation))"
    )
    with connections[texts.db].cursor() as cursor:
        cursor.execute(query, params)
        return [(key, int(n), label) for key, n, label in cursor.fetchall()]


def _texts_of(people: QuerySet[Any]) -> QuerySet[Any]:
    return people.values("occupation").annotate(n=Count("pk")).order_by()


def unmapped_occupations(*, user: User | AnonymousUser) -> tuple[list[UnmappedGroup], int]:
    """The uncoded free texts of the people `user` may see (whoever sees every case: every
    uncoded person, as "Code them all" reaches them; else those on the cases they may
    see), most frequent first, and how many groups there are in all.

    A fixed number of queries whatever the number of cases: 1-2. counts per
    LOWER(TRIM(text)) for newcomers and for adult household members, then Python folds
    accents and spacing together as the mapping does, so "Økonom" and "okonom" are one
    group; 3-6. for the groups shown, the latest few cases of each.

    - Whoever sees every case: the counts come from contacts' tally of the uncoded texts
      (contacts.occupation_tally), folded first (a check, and when texts changed since
      the last visit a transaction of three statements). Counting the people read every
      uncoded person, 875,290 at a million cases.
    - A narrower reach: counted on the newcomer and member tables, one row per person,
      with the visible cases' newcomers as a semi-join (IN), inside the planner settings
      of `figures_planner`. Counting on the cases needed COUNT(DISTINCT newcomer_id), a
      sort of every uncoded case that spilled to disk at a million cases."""
    cases = case_list_visible(user=user)
    if staff_access(user).sees_all:
        # Whoever sees every case counts every uncoded person, the people "Code them all"
        # reaches (cases.occupation_coding): the tally kept as the texts change holds
        # those counts, as many rows as there are texts rather than people.
        occupation_tally_compact()
        newcomer_rows = _per_spelling(occupation_tally_texts(OccupationTally.Kind.NEWCOMER))
        member_rows = _per_spelling(occupation_tally_texts(OccupationTally.Kind.MEMBER))
    else:
        # A narrower reach counts the people of the visible cases' newcomers, with the
        # figures' planner settings (parallel workers), which end with them.
        with_visible_case = cases.values("newcomer_id")
        newcomers = _uncoded_newcomers().filter(pk__in=with_visible_case)
        members = _uncoded_members().filter(newcomer_id__in=with_visible_case)
        with figures_planner(cases.db):
            newcomer_rows = _per_spelling(_texts_of(newcomers))
            member_rows = _per_spelling(_texts_of(members))
    groups: dict[str, UnmappedGroup] = {}
    spellings: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for key, n, label in [*newcomer_rows, *member_rows]:
        norm = occupation_normalise(key)
        if not norm:
            continue
        group = groups.setdefault(norm, UnmappedGroup(label=label, people=0))
        group.people += n
        group.keys.add(key)
        spellings[norm].append((n, label))
    for norm, group in groups.items():
        group.label = max(spellings[norm], key=lambda pair: (pair[0], pair[1]))[1]

    shown = sorted(groups.values(), key=lambda g: (-g.people, g.label.casefold()))[:GROUPS_SHOWN]
    by_key = {key: group for group in shown for key in group.keys}
    if by_key:
        _add_case_occurrences(cases, shown, by_key)
        _add_member_occurrences(cases, by_key)
    return shown, len(groups)


# (created_at, case pk, reference) of one uncoded case: newest first when sorted in reverse.
_Row = tuple[datetime, int, str]


def _add_case_occurrences(
    cases: QuerySet[Case], shown: list[UnmappedGroup], by_key: dict[str, UnmappedGroup]
) -> None:
    """The latest visible cases of each shown group's uncoded newcomers, newest first.

    1. Among the RECENT_CASES_READ newest visible cases, the uncoded ones of the shown
       spellings: PostgreSQL reads them off the cases' created_at index, backwards, and
       stops there. A group with CASES_PER_GROUP of them is complete: no older case can
       come before these.
    2. For the groups left short (rare or old texts), ROW_NUMBER per spelling over their
       spellings only, found through the partial index contacts_newcomer_uncoded_text.

    A window over every shown spelling sorted all 875,290 uncoded cases at a million
    cases, spilling to disk. Reading newest first until enough were found would read
    every case when few are uncoded (the usual state, after `map_occupations`)."""
    key = Lower(Trim("newcomer__occupation"))

    def uncoded(of: QuerySet[Case], spellings: list[str]) -> QuerySet[Case]:
        return (
            of.filter(_through_newcomer(UNCODED_OCCUPATION), newcomer__erased_at=None)
            .annotate(key=key)
            .filter(key__in=spellings)
        )

    fields = ("created_at", "pk", "reference", "key")
    found: dict[str, list[_Row]] = defaultdict(list)  # by spelling

    def group_rows(group: UnmappedGroup) -> list[_Row]:
        rows = [row for row_key in group.keys for row in found[row_key]]
        return sorted(rows, reverse=True)[:CASES_PER_GROUP]

    newest = cases.order_by("-created_at", "-pk").values("pk")[:RECENT_CASES_READ]
    # Case.objects: `newest` applies the visibility already (a member's costs a hash).
    recent = uncoded(Case.objects.filter(pk__in=newest), list(by_key))
    for created_at, pk, reference, row_key in recent.values_list(*fields):
        found[row_key].append((created_at, pk, reference))
    short = [
        spelling
        for group in shown
        if len(group_rows(group)) < CASES_PER_GROUP
        for spelling in group.keys
    ]
    if short:
        window = Window(
            RowNumber(), partition_by=[key], order_by=[F("created_at").desc(), F("pk").desc()]
        )
        older = uncoded(cases, short).annotate(rank=window)
        for spelling in short:
            found[spelling] = []  # all read again, with the older ones
        for created_at, pk, reference, row_key in older.filter(
            rank__lte=CASES_PER_GROUP
        ).values_list(*fields):
            found[row_key].append((created_at, pk, reference))
    for group in shown:
        group.occurrences = [Occurrence(pk, ref, None) for _at, pk, ref in group_rows(group)]


def _add_member_occurrences(cases: QuerySet[Case], by_key: dict[str, UnmappedGroup]) -> None:
    """Groups with room left get adult household members (the latest few of each
    spelling, in the members' own order), each shown on their newcomer's latest visible
    case."""
    member_key = Lower(Trim("occupation"))
    members = list(
        _uncoded_members()
        .filter(newcomer_id__in=cases.values("newcomer_id"))
        .annotate(key=member_key)
        .filter(key__in=list(by_key))
        .annotate(rank=Window(RowNumber(), partition_by=[member_key], order_by=F("pk").desc()))
        .filter(rank__lte=CASES_PER_GROUP)
        .values("pk", "key", "newcomer_id")
    )
    if not members:
        return
    latest: dict[int, tuple[int, str]] = {}
    newcomer_cases = (
        cases.filter(newcomer_id__in={m["newcomer_id"] for m in members})
        .order_by("newcomer_id", "created_at", "pk")
        .values_list("newcomer_id", "pk", "reference")
    )
    for newcomer_id, pk, reference in newcomer_cases:
        latest[newcomer_id] = (pk, reference)
    for member in members:  # in the members' own order (relation, birth year)
        group = by_key[member["key"]]
        case = latest.get(member["newcomer_id"])
        if case and len(group.occurrences) < CASES_PER_GROUP:
            group.occurrences.append(Occurrence(case[0], case[1], member["pk"]))
