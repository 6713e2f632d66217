"""The dashboard's Jobs section (shown by reports): supply and demand by occupation group,
matched and placed counts, and partners in work.

Definitions (docs/jobs.md):
- supply: newcomers and household partners with an occupation code, not erased and not
  gone, counted once each by the code's group;
- demand: the positions of open needs, by the need's group;
- matched: suggestions to employers (one person to one need), by the code that fitted;
- placed: those of them the employer placed;
- partners in work: partners with a placed suggestion. (Newcomer.partner_needs_work says
  a partner wants work, not that they have it; the settling-in answers' `work_partner`
  is the Outcomes section's own figure.)
Suggestions keep their code after erasure, so matched and placed do not drop when a
newcomer is erased.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Substr

from contacts.models import HouseholdMember, Newcomer
from jobs.models import NeedSuggestion, RecruitmentNeed
from occupations.models import Occupation


@dataclass(frozen=True)
class GroupRow:
    code: str  # an ISCO major (one digit) or sub-major (two digits) group; "" for the total
    title: str
    newcomers: int
    partners: int
    demand: int
    matched: int
    placed: int

    @property
    def supply(self) -> int:
        return self.newcomers + self.partners


@dataclass(frozen=True)
class JobFigures:
    by_major: list[GroupRow]
    by_sub_major: list[GroupRow]
    total: GroupRow
    partners_in_work: int


def _grouped(rows: QuerySet[Any], field: str, **counts: Any) -> QuerySet[Any]:
    """Rows by two-digit group (`group`) with the aggregates `counts`, one GROUP BY."""
    return (
        rows.order_by()
        .annotate(group=Substr(field, 1, 2))
        .values("group")
        .annotate(**counts)
        .values_list("group", *counts)
    )


def _counted(rows: QuerySet[Any], field: str, kind: str, n: Any) -> QuerySet[Any]:
    """(group, kind, n) rows: one member of the UNION below."""
    return _grouped(rows.annotate(kind=Value(kind)), field, kind=Min("kind"), n=n)


def job_figures() -> JobFigures:
    """Two queries whatever the data size: every count as one UNION of GROUP BYs, and the
    groups' titles (the dashboard's query budget, tests/reports/test_views.py)."""
    left = Newcomer.Lifecycle.LEFT
    newcomers = Newcomer.objects.filter(occupation_code__isnull=False, erased_at=None).exclude(
        lifecycle=left
    )
    partners = HouseholdMember.objects.filter(
        relation=HouseholdMember.Relation.PARTNER,
        occupation_code__isnull=False,
        newcomer__erased_at=None,
    ).exclude(newcomer__lifecycle=left)
    # An inactive employer's needs are not demand.
    open_needs = RecruitmentNeed.objects.filter(
        state=RecruitmentNeed.State.OPEN, employer__is_active=True
    )
    suggestions = NeedSuggestion.objects.all()
    placed = suggestions.filter(outcome=NeedSuggestion.Outcome.PLACED)
    members = [
        _counted(newcomers, "occupation_code_id", "newcomers", Count("pk")),
        _counted(partners, "occupation_code_id", "partners", Count("pk")),
        _counted(open_needs, "occupation_id", "demand", Sum("positions")),
        _counted(suggestions, "occupation_id", "matched", Count("pk")),
        _counted(placed, "occupation_id", "placed", Count("pk")),
        # People, not suggestions: a partner placed by two needs is one partner in work
        # (distinct cases, all in one group: "person" is the same for every row). An erased
        # case can no longer be told apart, so each of its rows counts once.
        _counted(
            placed.filter(person=NeedSuggestion.Person.PARTNER),
            "person",
            "partners_in_work",
            Count("case", distinct=True) + Count("pk", filter=Q(case=None)),
        ),
    ]
    counted: dict[str, dict[str, int]] = {
        kind: {} for kind in ("newcomers", "partners", "demand", "matched", "placed")
    }
    partners_in_work = 0
    for group, kind, n in members[0].union(*members[1:], all=True):
        if kind == "partners_in_work":
            partners_in_work += n
        elif group:
            counted[kind][group] = n or 0
    # In the reader's language (Occupation.title: English where a group has no nb title).
    titles = {
        o.code: o.title()
        for o in Occupation.objects.filter(level__lte=2).only("code", "title_nb", "title_en")
    }
    tables = tuple(counted.values())
    groups = sorted(set().union(*tables))

    def row(code: str, keys: list[str]) -> GroupRow:
        sums = [sum(table.get(k, 0) for k in keys) for table in tables]
        return GroupRow(code, titles.get(code, ""), *sums)

    by_sub_major = [row(g, [g]) for g in groups]
    majors = sorted({g[0] for g in groups})
    by_major = [row(m, [g for g in groups if g[0] == m]) for m in majors]
    return JobFigures(
        by_major=by_major,
        by_sub_major=by_sub_major,
        total=row("", groups),
        partners_in_work=partners_in_work,
    )
