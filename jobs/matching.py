"""Matching, both ways, written once: which newcomers and partners fit a recruitment need,
and which open needs fit a case.

The rule:
1. Occupation: the person's code and the need's share the minor group (the first three
   digits of ISCO-08 / STYRK-08). It is an "exact" fit when both are the same unit group,
   "related" when the unit groups differ or either side is coded only to the minor group.
2. Place: the need's municipality is the one the newcomer intends to move to (or lives
   in): the newcomer's municipality, or their locality's.
3. Consent: only newcomers with an active consent to sharing with employers
   ("Arbeidsgivere"), whose imported consent is not waiting for confirmation, who are not
   erased or gone, and whose case is not closed.
4. What a reader sees: who the person is (name, case) only when the reader may open the
   case (cases.selectors.case_list_visible: coordinators, and an employer once the case is
   shared with it). Otherwise only what the consent to employers allows: the occupation,
   the place, the move date and whether it is the newcomer or their partner.

Each read is a fixed number of queries whatever the number of cases (tests/jobs).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case as DbCase
from django.db.models import Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, When

from cases.models import Case
from cases.selectors import case_list_visible
from contacts.models import Consent, HouseholdMember, Newcomer
from jobs.models import NeedSuggestion, RecruitmentNeed
from jobs.selectors import need_list_visible
from occupations.models import Occupation

EXACT, RELATED = "exact", "related"
# A need's page lists at most this many people; a need that fits more is too wide.
CANDIDATE_LIMIT = 100


def code_fit(need_code: str, code: str | None) -> str | None:
    """EXACT, RELATED or None (rule 1)."""
    if not code or len(code) < 3 or len(need_code) < 3 or code[:3] != need_code[:3]:
        return None
    return EXACT if len(code) == 4 and code == need_code else RELATED


def _code(row: Newcomer | HouseholdMember) -> str | None:
    return row.occupation_code_id


def _fitting_codes(need_code: str) -> QuerySet[Occupation, Any]:
    # The minor group and its unit groups (a few codes: ISCO has at most 9 units a minor).
    return Occupation.objects.filter(code__startswith=need_code[:3], level__gte=3).values("code")


def _employer_consent() -> Exists:
    return Exists(
        Consent.objects.filter(
            newcomer=OuterRef("newcomer"), scope=Consent.Scope.EMPLOYER, withdrawn_at=None
        )
    )


def _open_cases() -> QuerySet[Case]:
    """Rule 3, on cases."""
    return (
        Case.objects.exclude(status=Case.Status.CLOSED)
        .filter(newcomer__erased_at=None, newcomer__consent_to_confirm_since=None)
        .exclude(newcomer__lifecycle=Newcomer.Lifecycle.LEFT)
        .filter(_employer_consent())
    )


def _partners() -> Prefetch:
    return Prefetch(
        "newcomer__household",
        queryset=HouseholdMember.objects.filter(relation=HouseholdMember.Relation.PARTNER),
        to_attr="partners",
    )


def _people(newcomer: Newcomer) -> list[tuple[str, str | None]]:
    """The household's adults who may fit, with their codes: the newcomer and the partner
    (one a household: a suggestion names "the partner"). Needs `_partners()` prefetched."""
    household: list[HouseholdMember] = newcomer.partners  # type: ignore[attr-defined]
    partners = [p for p in household if _code(p)][:1] or household[:1]
    people = [(str(NeedSuggestion.Person.NEWCOMER), _code(newcomer))]
    return people + [(str(NeedSuggestion.Person.PARTNER), _code(p)) for p in partners]


@dataclass(frozen=True)
class Candidate:
    case: Case
    person: str  # NeedSuggestion.Person
    code: str
    fit: str  # EXACT or RELATED
    visible: bool  # the reader may see who it is (rule 4)
    suggested: bool

    @property
    def newcomer(self) -> Newcomer:
        return self.case.newcomer

    @property
    def move_date(self) -> date | None:
        return self.newcomer.moved_at or self.newcomer.planned_move_date


class Candidates(list[Candidate]):
    """The candidates, and whether the cap (CANDIDATE_LIMIT cases) cut the list."""

    def __init__(self, *, truncated: bool) -> None:
        super().__init__()
        self.truncated = truncated


def candidates_for_need(
    *,
    need: RecruitmentNeed,
    user: User | AnonymousUser | None,
    case_ids: list[int] | None = None,
) -> "Candidates":
    """The people who fit the need, exact fits first, then by move date; `user` None reads
    for the system (every candidate visible). Five queries: the codes, who fits, their
    cases, the partners, the suggestions made.

    From the people to their cases, not the other way: the codes' indexes find the few
    thousand coded people of one minor group, where a scan of the open cases in date
    order read all 100,000 cases (0.7 s, docs/benchmarks.md)."""
    # The codes as values, not a subquery: PostgreSQL then estimates the few thousand rows
    # per code from the codes' indexes instead of guessing and scanning every newcomer.
    if not need.employer.is_active:
        # An inactive employer's needs match nobody (and so are not suggested to).
        return Candidates(truncated=False)
    codes = list(_fitting_codes(need.occupation_id).values_list("code", flat=True))
    place = need.municipality_id
    people = (
        Newcomer.objects.filter(Q(municipality_id=place) | Q(locality__municipality_id=place))
        .filter(erased_at=None, consent_to_confirm_since=None)
        .exclude(lifecycle=Newcomer.Lifecycle.LEFT)
        .filter(
            Exists(
                Consent.objects.filter(
                    newcomer=OuterRef("pk"), scope=Consent.Scope.EMPLOYER, withdrawn_at=None
                )
            )
        )
        .order_by()
    )
    if case_ids is not None:
        people = people.filter(pk__in=Case.objects.filter(pk__in=case_ids).values("newcomer_id"))
    partners = HouseholdMember.objects.filter(
        relation=HouseholdMember.Relation.PARTNER, occupation_code__in=codes
    ).values("newcomer_id")
    # One UNION: the newcomers coded so, and those whose partner is.
    newcomer_ids = list(
        people.filter(occupation_code__in=codes)
        .values_list("pk", flat=True)
        .union(people.filter(pk__in=partners).values_list("pk", flat=True))
    )
    # Exact fits first in SQL, before the cap: a wide need must not cut exact fits off.
    exact = Q(newcomer__occupation_code=need.occupation_id) | Exists(
        HouseholdMember.objects.filter(
            newcomer=OuterRef("newcomer_id"),
            relation=HouseholdMember.Relation.PARTNER,
            occupation_code=need.occupation_id,
        )
    )
    cases = (
        Case.objects.exclude(status=Case.Status.CLOSED)
        .filter(newcomer_id__in=newcomer_ids)
        .select_related("newcomer__municipality", "newcomer__locality__municipality")
        .prefetch_related(_partners())
        .annotate(fit_rank=DbCase(When(exact, then=0), default=1, output_field=IntegerField()))
        .order_by("fit_rank", "-created_at", "-pk")
    )
    if case_ids is not None:
        cases = cases.filter(pk__in=case_ids)
    if user is not None:
        cases = cases.annotate(
            reader_sees=Exists(case_list_visible(user=user).filter(pk=OuterRef("pk")))
        )
    # One more than the cap tells whether the query was cut.
    rows = list(cases[: CANDIDATE_LIMIT + 1])
    truncated = len(rows) > CANDIDATE_LIMIT
    rows = rows[:CANDIDATE_LIMIT]
    # A person "not placed" may be suggested again (a new round): not counted as suggested.
    suggested = set(
        NeedSuggestion.objects.filter(need=need, case__in=[c.pk for c in rows])
        .exclude(outcome=NeedSuggestion.Outcome.DECLINED)
        .values_list("case_id", "person")
    )
    found = Candidates(truncated=truncated)
    newcomers_seen: set[int] = set()
    for case in rows:
        # A newcomer with two open cases is one person: their newest case stands for them.
        if case.newcomer_id in newcomers_seen:
            continue
        newcomers_seen.add(case.newcomer_id)
        for person, code in _people(case.newcomer):
            fit = code_fit(need.occupation_id, code)
            if fit is None or code is None:
                continue
            found.append(
                Candidate(
                    case=case,
                    person=person,
                    code=code,
                    fit=fit,
                    visible=getattr(case, "reader_sees", True),
                    suggested=(case.pk, person) in suggested,
                )
            )
    found.sort(key=lambda c: (c.fit != EXACT, c.move_date or date.max))
    return found


def fitting_code(*, need: RecruitmentNeed, case: Case, person: str) -> str | None:
    """The code by which `person` of `case` fits the need now, or None (the same rule)."""
    for candidate in candidates_for_need(need=need, user=None, case_ids=[case.pk]):
        if candidate.person == person:
            return candidate.code
    return None


@dataclass(frozen=True)
class NeedFit:
    need: RecruitmentNeed
    person: str
    fit: str
    suggested: bool


def needs_for_case(*, case: Case, user: User | AnonymousUser) -> list[NeedFit]:
    """The open needs the reader may see (jobs.selectors.need_list_visible: a member of
    an employer only their own) that fit the case's newcomer or partner (exact fits
    first), or none when the consent does not cover employers. At most five queries."""
    cases = _open_cases().filter(pk=case.pk).prefetch_related(_partners())
    subject = cases.select_related("newcomer__locality").first()
    if subject is None:
        return []
    newcomer = subject.newcomer
    place = newcomer.municipality_id or (
        newcomer.locality.municipality_id if newcomer.locality else None
    )
    people = _people(newcomer)
    minors = {code[:3] for _person, code in people if code and len(code) >= 3}
    if place is None or not minors:
        return []
    by_minor = Q()
    for minor in sorted(minors):
        by_minor |= Q(occupation__code__startswith=minor)
    needs = (
        need_list_visible(user=user)
        .filter(state=RecruitmentNeed.State.OPEN, municipality_id=place)
        .filter(employer__is_active=True)
        .filter(by_minor)
        .order_by("deadline", "pk")
    )
    suggested = set(
        NeedSuggestion.objects.filter(case=case)
        .exclude(outcome=NeedSuggestion.Outcome.DECLINED)
        .values_list("need_id", "person")
    )
    fits: list[NeedFit] = []
    for need in needs:
        for person, code in people:
            fit = code_fit(need.occupation_id, code)
            if fit is not None:
                fits.append(
                    NeedFit(
                        need=need, person=person, fit=fit, suggested=(need.pk, person) in suggested
                    )
                )
    fits.sort(key=lambda f: f.fit != EXACT)
    return fits
