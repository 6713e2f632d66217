"""The Outcomes figures: retention, response rates, scores, work at 12 months, unmet needs.

Pure statistics (Wilson intervals, the recommendation score, suppression) plus one
aggregate query per table over a queryset of check-ins the caller has already scoped (the
reports app narrows it to what the user may see and to the dashboard's filters). Python
adds up grouped counts only; it never loops over check-ins.

Definitions (docs/outcomes.md):
- Still in the region at m months: of the newcomers who answered the m-month check-in,
  those who answered "yes" or "moved within the region"; a newcomer who answered "moved
  away" at an earlier check-in and has not answered this one counts as away. Censoring: a
  check-in is counted only once its day has come, so a cohort whose 12 months have not come
  adds nothing at 12 months (neither stayed nor left).
- Confidence interval: Wilson score interval, 95 %.
- Recommendation score: % promoters (9-10) minus % detractors (0-6) of those who answered,
  from -100 to 100 (as the "net promoter score").
- Suppression: no figure based on fewer than SUPPRESS_BELOW (5) people is shown or
  exported: the share, its interval, a mean or a count is then None (a dash).
"""

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncQuarter

from outcomes.models import Answer, CheckIn, Living, Theme, UnmetNeed, Work

SUPPRESS_BELOW = 5
Z95 = 1.959964


def suppressed(count: int | None) -> int | None:
    """A count of people as shown: None under SUPPRESS_BELOW (zero is no person and shows)."""
    if count is None or 0 < count < SUPPRESS_BELOW:
        return None
    return count


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for successes/n, as fractions (0..1)."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def recommendation_score(promoters: int, detractors: int, n: int) -> int | None:
    """% promoters (9-10) minus % detractors (0-6), rounded; None when suppressed."""
    if n < SUPPRESS_BELOW:
        return None
    return round(100 * (promoters - detractors) / n)


@dataclass(frozen=True)
class Share:
    """n people, of whom `part`; the share and its interval in percent. Only `n`, `percent`,
    `low` and `high` are shown, and none of them below SUPPRESS_BELOW people."""

    n: int
    part: int

    @property
    def is_suppressed(self) -> bool:
        return self.n < SUPPRESS_BELOW

    @property
    def percent(self) -> float | None:
        return None if self.is_suppressed else round(100 * self.part / self.n, 1)

    @property
    def low(self) -> float | None:
        return None if self.is_suppressed else round(100 * wilson(self.part, self.n)[0], 1)

    @property
    def high(self) -> float | None:
        return None if self.is_suppressed else round(100 * wilson(self.part, self.n)[1], 1)

    @property
    def shown_n(self) -> int | None:
        return suppressed(self.n)


@dataclass(frozen=True)
class RetentionRow:
    key: str  # "2026-Q1", a target group code, a municipality id, or "all"
    shares: dict[int, Share]  # by months


@dataclass(frozen=True)
class ResponseRow:
    months: int
    invited: int
    answered: int

    @property
    def rate(self) -> Share:
        return Share(n=self.invited, part=self.answered)


@dataclass(frozen=True)
class ScoreRow:
    quarter: date
    n: int
    settled_mean: float | None
    recommendation: int | None


@dataclass(frozen=True)
class CountRow:
    key: str
    count: int | None  # suppressed under 5
    share: float | None  # percent of the table's total, suppressed with the count


@dataclass(frozen=True)
class WorkFigures:
    rows: list[CountRow]
    n: int | None


@dataclass(frozen=True)
class NeedsPeriod:
    quarter: date
    rows: list[CountRow]


@dataclass(frozen=True)
class OutcomeFigures:
    months: list[int]
    overall: RetentionRow
    by_cohort: list[RetentionRow]
    by_target_group: list[RetentionRow]
    by_municipality: list[RetentionRow]
    responses: list[ResponseRow]
    scores: list[ScoreRow]
    work_adults: list[CountRow]
    work_partners: list[CountRow]
    work_adults_n: int | None
    work_partners_n: int | None
    needs: list[NeedsPeriod]


def retention(
    *, checkins: QuerySet[CheckIn], months: list[int], group: str, today: date
) -> list[RetentionRow]:
    """Per group and number of months, the people counted and those who stayed (one query).

    `group` is "cohort" (the quarter of the move date), "target_group", "municipality" (by
    name) or "all". Only check-ins whose day has come are read (censoring)."""
    return _retention_rows(_by(_retention_counts(checkins, months, today), group), months)


def _retention_counts(
    checkins: QuerySet[CheckIn], months: list[int], today: date
) -> list[dict[str, Any]]:
    """The counts of every (cohort, target group, municipality, months) cell in one query:
    a few thousand rows at most, which the breakdowns add up (_by)."""
    answered = Q(answer__isnull=False)
    rows = (
        checkins.filter(months__in=months, due_date__lte=today)
        .annotate(
            cohort=TruncQuarter("move_date"),
            municipality_name=F("municipality__name"),
        )
        .values("cohort", "target_group", "municipality_name", "months")
        .annotate(
            answered=Count("pk", filter=answered),
            stayed=Count("pk", filter=Q(answer__living__in=[Living.YES, Living.WITHIN])),
            carried=Count("pk", filter=Q(answer__isnull=True, left_before=True)),
            # Asked: invited, or answered without an invitation (by phone, on the page).
            asked=Count("pk", filter=Q(invited_at__isnull=False) | answered),
        )
        .order_by()
    )
    return [
        {**row, "cohort": _key(row["cohort"]), "municipality": _key(row["municipality_name"])}
        for row in rows
    ]


def _by(cells: list[dict[str, Any]], group: str) -> list[dict[str, Any]]:
    """The cells added up by one breakdown ("all": by months only)."""
    sums: dict[tuple[str, int], dict[str, Any]] = {}
    for cell in cells:
        key = "all" if group == "all" else cell[group]
        total = sums.setdefault((key, cell["months"]), {"group_key": key, "months": cell["months"]})
        for name in ("answered", "stayed", "carried", "asked"):
            total[name] = total.get(name, 0) + cell[name]
    return list(sums.values())


def _retention_rows(counts: list[dict[str, Any]], months: list[int]) -> list[RetentionRow]:
    table: dict[str, dict[int, Share]] = {}
    for row in counts:
        table.setdefault(row["group_key"], {})[row["months"]] = Share(
            n=row["answered"] + row["carried"], part=row["stayed"]
        )
    return [
        RetentionRow(key=key, shares={m: shares.get(m, Share(0, 0)) for m in months})
        for key, shares in sorted(table.items())
    ]


def quarter_label(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _key(value: object) -> str:
    if isinstance(value, date):
        return quarter_label(value)
    return "" if value is None else str(value)


def response_rates(
    *, checkins: QuerySet[CheckIn], months: list[int], today: date
) -> list[ResponseRow]:
    """Per number of months: check-ins asked (invited, or answered without an invitation)
    and answered."""
    return _responses(_by(_retention_counts(checkins, months, today), "all"), months)


def _responses(totals: list[dict[str, Any]], months: list[int]) -> list[ResponseRow]:
    found = {t["months"]: t for t in totals}
    return [
        ResponseRow(
            months=m,
            invited=found[m]["asked"] if m in found else 0,
            answered=found[m]["answered"] if m in found else 0,
        )
        for m in months
    ]


def scores(*, answers: QuerySet[Answer]) -> list[ScoreRow]:
    """Settledness (mean of 1-5) and the recommendation score by quarter of the answer."""
    rows = (
        answers.annotate(quarter=TruncQuarter("answered_at"))
        .values("quarter")
        .annotate(
            n=Count("pk"),
            settled=Avg("settled"),
            promoters=Count("pk", filter=Q(recommend__gte=9)),
            detractors=Count("pk", filter=Q(recommend__lte=6)),
        )
        .order_by("quarter")
    )
    return [
        ScoreRow(
            quarter=_day(row["quarter"]),
            n=row["n"],
            settled_mean=None if row["n"] < SUPPRESS_BELOW else round(row["settled"], 2),
            recommendation=recommendation_score(row["promoters"], row["detractors"], row["n"]),
        )
        for row in rows
    ]


def _day(value: object) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]


def work_at(*, answers: QuerySet[Answer]) -> tuple[WorkFigures, WorkFigures]:
    """How the newcomers (work_self) and the partners (work_partner) work, as counts and
    shares of those who answered; "" (no partner) is left out. One query."""
    adults: dict[str, int] = {}
    partners: dict[str, int] = {}
    pairs = answers.values_list("work_self", "work_partner").annotate(n=Count("pk")).order_by()
    for work_self, work_partner, n in pairs:
        adults[work_self] = adults.get(work_self, 0) + n
        if work_partner:
            partners[work_partner] = partners.get(work_partner, 0) + n
    return _work(adults), _work(partners)


def _work(counts: dict[str, int]) -> WorkFigures:
    total = sum(counts.values())
    rows = _count_rows([(code, counts.get(code, 0)) for code in Work.values], total)
    return WorkFigures(rows=rows, n=suppressed(total))


def _count_rows(items: list[tuple[str, int]], total: int) -> list[CountRow]:
    rows = []
    for key, count in items:
        shown = suppressed(count)
        share = None if shown is None or total < SUPPRESS_BELOW else round(100 * count / total, 1)
        rows.append(CountRow(key=key, count=shown, share=share))
    return rows


def unmet_needs_by_quarter(
    *, needs: QuerySet[UnmetNeed], quarters: int = 4, top: int = 5
) -> list[NeedsPeriod]:
    """The most named missing themes in each of the last `quarters` quarters with answers."""
    rows = (
        needs.exclude(theme="")
        .annotate(quarter=TruncQuarter("answer__answered_at"))
        .values_list("quarter", "theme")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_quarter: dict[date, list[tuple[str, int]]] = {}
    for quarter, theme, n in rows:
        by_quarter.setdefault(_day(quarter), []).append((theme, n))
    periods = []
    for quarter in sorted(by_quarter, reverse=True)[:quarters]:
        items = sorted(by_quarter[quarter], key=lambda item: (-item[1], item[0]))[:top]
        total = sum(n for _theme, n in by_quarter[quarter])
        periods.append(NeedsPeriod(quarter=quarter, rows=_count_rows(items, total)))
    return periods


def outcome_figures(
    *, checkins: QuerySet[CheckIn], months: list[int], today: date
) -> OutcomeFigures:
    """Every Outcomes figure over the given check-ins: four queries whatever the size. The
    breakdowns, the whole and the response rates all add up one query's cells."""
    answers = Answer.objects.filter(checkin__in=checkins.values("pk"))
    work_adults, work_partners = work_at(answers=answers.filter(checkin__months=12))
    cells = _retention_counts(checkins, months, today)
    totals = _by(cells, "all")
    overall = _retention_rows(totals, months)
    return OutcomeFigures(
        months=months,
        overall=overall[0] if overall else RetentionRow("all", {m: Share(0, 0) for m in months}),
        by_cohort=_retention_rows(_by(cells, "cohort"), months),
        by_target_group=_retention_rows(_by(cells, "target_group"), months),
        by_municipality=_retention_rows(_by(cells, "municipality"), months),
        responses=_responses(totals, months),
        scores=scores(answers=answers),
        work_adults=work_adults.rows,
        work_partners=work_partners.rows,
        work_adults_n=work_adults.n,
        work_partners_n=work_partners.n,
        needs=unmet_needs_by_quarter(
            needs=UnmetNeed.objects.filter(answer__checkin__in=checkins.values("pk"))
        ),
    )


THEME_LABELS = dict(Theme.choices)
WORK_LABELS = dict(Work.choices)
