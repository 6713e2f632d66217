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
newcomer is erased. Seven queries whatever the data size.
"""

from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum
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


def _by_sub_major(rows: QuerySet, field: str, value: str = "") -> dict[str, int]:
    """{two-digit group: count (or sum of `value`)} in one GROUP BY."""
    grouped = (
        rows.order_by()
        .annotate(group=Substr(field, 1, 2))
        .values("group")
        .annotate(n=Sum(value) if value else Count("pk"))
    )
    return {row["group"]: row["n"] or 0 for row in grouped if row["group"]}


def job_figures() -> JobFigures:
    present = {"erased_at": None}
    newcomers = _by_sub_major(
        Newcomer.objects.filter(occupation_code__isnull=False, **present).exclude(
            lifecycle=Newcomer.Lifecycle.LEFT
        ),
        "occupation_code_id",
    )
    partners = _by_sub_major(
        HouseholdMember.objects.filter(
            relation=HouseholdMember.Relation.PARTNER,
            occupation_code__isnull=False,
            newcomer__erased_at=None,
        ).exclude(newcomer__lifecycle=Newcomer.Lifecycle.LEFT),
        "occupation_code_id",
    )
    demand = _by_sub_major(
        RecruitmentNeed.objects.filter(state=RecruitmentNeed.State.OPEN),
        "occupation_id",
        "positions",
    )
    matched = _by_sub_major(NeedSuggestion.objects.all(), "occupation_id")
    placed = _by_sub_major(
        NeedSuggestion.objects.filter(outcome=NeedSuggestion.Outcome.PLACED), "occupation_id"
    )
    partners_in_work = NeedSuggestion.objects.filter(
        person=NeedSuggestion.Person.PARTNER, outcome=NeedSuggestion.Outcome.PLACED
    ).count()
    titles = dict(Occupation.objects.filter(level__lte=2).values_list("code", "title_nb"))
    tables = (newcomers, partners, demand, matched, placed)
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
