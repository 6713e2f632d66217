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


def job_figures() -> JobFigures:
    """Three queries whatever the data size: supply and demand (newcomers, partners and
    open positions, as one UNION), the suggestions, and the groups' titles."""
    left = Newcomer.Lifecycle.LEFT
    newcomers = _grouped(
        Newcomer.objects.filter(occupation_code__isnull=False, erased_at=None)
        .exclude(lifecycle=left)
        .annotate(kind=Value("n")),
        "occupation_code_id",
        kind=Min("kind"),
        n=Count("pk"),
    )
    partners = _grouped(
        HouseholdMember.objects.filter(
            relation=HouseholdMember.Relation.PARTNER,
            occupation_code__isnull=False,
            newcomer__erased_at=None,
        )
        .exclude(newcomer__lifecycle=left)
        .annotate(kind=Value("p")),
        "occupation_code_id",
        kind=Min("kind"),
        n=Count("pk"),
    )
    positions = _grouped(
        RecruitmentNeed.objects.filter(state=RecruitmentNeed.State.OPEN).annotate(
            kind=Value("d")
        ),
        "occupation_id",
        kind=Min("kind"),
        n=Sum("positions"),
    )
    counted: dict[str, dict[str, int]] = {"n": {}, "p": {}, "d": {}}
    for group, kind, n in newcomers.union(partners, positions, all=True):
        if group:
            counted[kind][group] = n or 0
    placed_q = Q(outcome=NeedSuggestion.Outcome.PLACED)
    matched: dict[str, int] = {}
    placed: dict[str, int] = {}
    partners_in_work = 0
    for group, n, n_placed, n_partners in _grouped(
        NeedSuggestion.objects.all(),
        "occupation_id",
        n=Count("pk"),
        placed=Count("pk", filter=placed_q),
        partners=Count("pk", filter=placed_q & Q(person=NeedSuggestion.Person.PARTNER)),
    ):
        matched[group], placed[group] = n, n_placed
        partners_in_work += n_partners
    # Bokmål where STYRK-08's title is verified, else ISCO's English (occupations/data).
    titles = {
        code: nb or en
        for code, nb, en in Occupation.objects.filter(level__lte=2).values_list(
            "code", "title_nb", "title_en"
        )
    }
    tables = (counted["n"], counted["p"], counted["d"], matched, placed)
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
