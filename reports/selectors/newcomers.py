"""The newcomers behind the period's enquiries: by stage, target group and channel, and the
most common occupations (theirs and their partners')."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Case as When_
from django.db.models import (
    CharField,
    Count,
    F,
    Field,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat, Lower, Trim
from django.utils.translation import gettext as _

from cases.models import Case
from contacts.models import HouseholdMember, Newcomer
from occupations.models import Occupation
from reports.periods import PeriodPair
from reports.selectors.scope import created_in, period_window
from reports.selectors.types import Tally

TOP_OCCUPATIONS = 15

# Key of an occupation group that is coded: "#" and the code, so that "Økonom" and
# "økonom" coded 2631 are one row whatever the spelling; uncoded free text keeps the
# lower-cased, trimmed text as key. Newcomers are coded on Newcomer.occupation_code,
# partners on their household row (HouseholdMember.occupation_code), their text still
# being the intake's Newcomer.partner_occupation.
CODED = "#"


def _coded_labels(tallies: list[Tally]) -> list[Tally]:
    """Coded groups read "code title" (one query for all of them), the others as typed."""
    codes = [t.key[len(CODED) :] for t in tallies if t.key.startswith(CODED)]
    if not codes:
        return tallies
    titles = {o.code: str(o) for o in Occupation.objects.filter(code__in=codes)}
    return [
        Tally(
            key=t.key,
            label=titles.get(t.key[len(CODED) :], t.label),
            current=t.current,
            previous=t.previous,
        )
        if t.key.startswith(CODED)
        else t
        for t in tallies
    ]


@dataclass(frozen=True)
class NewcomerBreakdown:
    lifecycle: list[Tally]
    target_groups: list[Tally]
    channels: list[Tally]


NEWCOMER_FIELDS = {
    "lifecycle": Newcomer.Lifecycle.choices,
    "target_group": Newcomer.TargetGroup.choices,
    "heard_via": Newcomer.HeardVia.choices,
}


def newcomer_breakdown(*, cases: QuerySet[Case], periods: PeriodPair) -> NewcomerBreakdown:
    """Newcomers with an enquiry in each period, by stage, target group and channel; a
    newcomer with two enquiries counts once.

    One query groups by all three fields together. Each newcomer has exactly one value of
    each, so falls in exactly one group: adding up the groups' distinct counts per value is
    exact. The groups are at most 5 by 8 by 10, whatever the number of newcomers."""
    groups = list(
        period_window(cases, periods)
        .values(**{field: F(f"newcomer__{field}") for field in NEWCOMER_FIELDS})
        .annotate(
            current=Count("newcomer_id", distinct=True, filter=created_in(periods.current)),
            previous=Count("newcomer_id", distinct=True, filter=created_in(periods.previous)),
        )
        .order_by()
    )
    return _breakdown_tallies(groups)


def _breakdown_tallies(groups: Sequence[Mapping[str, Any]]) -> NewcomerBreakdown:
    """The three tables from groups by all three fields, each with `current` and
    `previous` counts of newcomers."""
    tallies = {}
    for field, choices in NEWCOMER_FIELDS.items():
        sums: dict[str, list[int]] = {}
        for group in groups:
            both = sums.setdefault(group[field], [0, 0])
            both[0] += group["current"]
            both[1] += group["previous"]
        rows = [
            Tally(
                key=value,
                label=str(label),
                current=sums.get(value, [0, 0])[0],
                previous=sums.get(value, [0, 0])[1],
            )
            for value, label in choices
        ]
        if "" in sums:  # blank: only the channel may be
            rows.append(
                Tally(key="", label=_("Not recorded"), current=sums[""][0], previous=sums[""][1])
            )
        tallies[field] = rows
    return NewcomerBreakdown(
        lifecycle=tallies["lifecycle"],
        target_groups=tallies["target_group"],
        channels=tallies["heard_via"],
    )


@dataclass(frozen=True)
class NewcomerFigures:
    breakdown: NewcomerBreakdown
    occupations: list[Tally]
    partner_occupations: list[Tally]


def newcomer_figures(*, cases: QuerySet[Case], periods: PeriodPair) -> NewcomerFigures:
    """The stage, target group and channel tables and the two occupation tables.

    On PostgreSQL one query (`_newcomer_grouping_sets`) gives all five; elsewhere
    `newcomer_breakdown` and `occupation_counts` give the same figures in three."""
    if connections[cases.db].vendor != "postgresql":
        return NewcomerFigures(
            breakdown=newcomer_breakdown(cases=cases, periods=periods),
            occupations=occupation_counts(cases=cases, periods=periods),
            partner_occupations=occupation_counts(cases=cases, periods=periods, partner=True),
        )
    rows = _newcomer_grouping_sets(cases=cases, periods=periods)
    by_set: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_set.setdefault(row["grouping_set"], []).append(row)

    def top(grouping_set: int, prefix: str) -> list[Tally]:
        ranked = sorted(by_set.get(grouping_set, []), key=lambda row: row["rank"])
        return [
            Tally(
                key=row[f"{prefix}_key"],
                label=row[f"{prefix}_label"],
                current=row["current"],
                previous=row["previous"],
            )
            for row in ranked
            if row[f"{prefix}_key"]  # the blank group, as in occupation_counts
        ][:TOP_OCCUPATIONS]

    return NewcomerFigures(
        breakdown=_breakdown_tallies(by_set.get(STAGE_SET, [])),
        occupations=_coded_labels(top(OCCUPATION_SET, "occupation")),
        partner_occupations=_coded_labels(top(PARTNER_SET, "partner")),
    )


# GROUPING(lifecycle, occupation key, partner key) in _newcomer_grouping_sets: a bit is
# set for each of the three left out of the row's grouping set.
STAGE_SET, OCCUPATION_SET, PARTNER_SET = 0b011, 0b101, 0b110


def _newcomer_grouping_sets(*, cases: QuerySet[Case], periods: PeriodPair) -> list[dict[str, Any]]:
    """The five newcomer tables in one PostgreSQL query.

    1. Per newcomer with an enquiry in either period (the visible, filtered cases, compiled
       by the ORM): how many of their enquiries fall in each period. A newcomer with two
       enquiries is one row, so the tables below count rows and need no COUNT(DISTINCT):
       that sorted every group's newcomer ids, and each of the three queries it replaces
       joined the period's cases to the newcomers on its own (110 + 95 + 45 ms for the
       year view at 100,000 cases, against about 125 ms for this one; docs/benchmarks.md).
    2. Joined to the newcomers once, grouped three ways with GROUPING SETS: by stage, group
       and channel (at most 5 x 8 x 11 rows); by occupation; by partner's occupation and
       whether the partner needs work.
    3. The occupation groups are ranked as occupation_counts orders them (most newcomers
       this period first, then the key), and only the first TOP_OCCUPATIONS + 1 of each
       with someone this period are returned: one more, for the blank group dropped by the
       caller. Partners who do not need work are not returned.
    The labels are MIN(TRIM()) over the same newcomers as occupation_counts reads."""
    newcomers = (
        period_window(cases, periods)
        .values("newcomer_id")
        .annotate(
            in_current=Count("pk", filter=created_in(periods.current)),
            in_previous=Count("pk", filter=created_in(periods.previous)),
        )
        .order_by()
    )
    inner, params = newcomers.query.sql_with_params()
    connection = connections[cases.db]
    table = connection.ops.quote_name(Newcomer._meta.db_table)

    def column(name: str) -> str:
        field = Newcomer._meta.get_field(name)
        # get_field also finds relations and reverse relations, which have no column.
        if not isinstance(field, Field) or field.column is None:
            raise TypeError(f"Newcomer.{name} is not a column")
        return "n." + connection.ops.quote_name(field.column)

    stage, group, channel = column("lifecycle"), column("target_group"), column("heard_via")
    job, partner_job = column("occupation"), column("partner_occupation")
    job_code, needs_work = column("occupation_code"), column("partner_needs_work")
    q = connection.ops.quote_name
    members = q(HouseholdMember._meta.db_table)
    # Quoted names and a constant only (hence the noqa and nosec, as for the query below).
    partner_code = (
        f"(SELECT MIN(p.{q('occupation_code_id')}) FROM {members} p"  # noqa: S608  # nosec B608
        f" WHERE p.{q('newcomer_id')} = {column('id')} AND p.{q('relation')} = 'partner')"
    )
    # The partner's occupation only where the partner needs work: the others make one
    # group (false, NULL) that is not returned, and LOWER(), TRIM() and MIN() are spared
    # for them (70% of the newcomers in the bench data: 25 of 150 ms). Coded groups are
    # keyed by code (CODED), as in occupation_counts.
    job_key = f"COALESCE('{CODED}' || {job_code}, LOWER(TRIM({job})))"
    partner_key = (
        f"(CASE WHEN {needs_work} THEN"
        f" COALESCE('{CODED}' || {partner_code}, LOWER(TRIM({partner_job}))) END)"
    )
    grouping = f"GROUPING({stage}, {job_key}, {partner_key})"
    current = "COUNT(*) FILTER (WHERE w.in_current > 0)"
    # Only quoted column names and the ORM's own SQL are interpolated; values are parameters
    # (hence the nosec for bandit's B608 on the closing line).
    sql = f"""
        SELECT * FROM (
            SELECT
                {grouping} AS grouping_set,
                {stage} AS lifecycle, {group} AS target_group, {channel} AS heard_via,
                {job_key} AS occupation_key, MIN(TRIM({job})) AS occupation_label,
                {needs_work} AS partner_needs_work,
                {partner_key} AS partner_key,
                MIN(TRIM({partner_job})) FILTER (WHERE {needs_work}) AS partner_label,
                {current} AS current,
                COUNT(*) FILTER (WHERE w.in_previous > 0) AS previous,
                ROW_NUMBER() OVER (
                    PARTITION BY {grouping}, {needs_work}
                    ORDER BY {current} DESC, COALESCE({job_key}, {partner_key})
                ) AS rank
            FROM ({inner}) w JOIN {table} n ON {column("id")} = w.newcomer_id
            GROUP BY GROUPING SETS (
                ({stage}, {group}, {channel}), ({job_key}), ({needs_work}, {partner_key})
            )
        ) grouped
        WHERE grouping_set = %s
            OR (rank <= %s AND current > 0 AND partner_needs_work IS NOT FALSE)
    """  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, STAGE_SET, TOP_OCCUPATIONS + 1))
        names = [col.name for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def occupation_counts(
    *, cases: QuerySet[Case], periods: PeriodPair, partner: bool = False
) -> list[Tally]:
    """The most common occupations or competences among the period's newcomers (or among
    partners who need work), grouped without regard to case or surrounding spaces, most
    common first. The label is one of the spellings used.

    Coded occupations are grouped by their code (CODED), so spellings do not matter. The
    rest are grouped by the database's LOWER(): PostgreSQL folds every letter, SQLite only
    A-Z, so on SQLite an uncoded "Økonom" and "økonom" stay apart (map_occupations codes
    both)."""
    field = "newcomer__partner_occupation" if partner else "newcomer__occupation"
    window = period_window(cases, periods)
    if partner:
        window = window.filter(newcomer__partner_needs_work=True)
        # CONCAT() skips NULLs on both databases, so the code is tested, not coalesced.
        window = window.annotate(
            partner_code=Subquery(
                HouseholdMember.objects.filter(
                    newcomer_id=OuterRef("newcomer_id"), relation=HouseholdMember.Relation.PARTNER
                )
                .exclude(occupation_code=None)
                .order_by("occupation_code")
                .values("occupation_code")[:1]
            )
        )
        key = When_(
            When(
                partner_code__isnull=False,
                then=Concat(Value(CODED), "partner_code", output_field=CharField()),
            ),
            default=Lower(Trim(field)),
            output_field=CharField(),
        )
    else:
        key = When_(
            When(
                newcomer__occupation_code__isnull=False,
                then=Concat(Value(CODED), "newcomer__occupation_code", output_field=CharField()),
            ),
            default=Lower(Trim(field)),
            output_field=CharField(),
        )
    # Blank occupations form one group, dropped here rather than excluded in the WHERE
    # clause: there PostgreSQL computed LOWER(TRIM()) for every newcomer in the region
    # before joining the period's few thousand (31 of its 44 ms at 100,000 cases). One
    # row more is read so that fifteen remain once the blank group is gone.
    rows = (
        window.annotate(key=key)
        .values("key")
        .annotate(
            label=Min(Trim(field)),
            current=Count("newcomer_id", distinct=True, filter=created_in(periods.current)),
            previous=Count("newcomer_id", distinct=True, filter=created_in(periods.previous)),
        )
        .filter(current__gt=0)
        .order_by("-current", "key")[: TOP_OCCUPATIONS + 1]
    )
    return _coded_labels(
        [
            Tally(
                key=row["key"], label=row["label"], current=row["current"], previous=row["previous"]
            )
            for row in rows
            if row["key"]
        ][:TOP_OCCUPATIONS]
    )
