"""Matching and suggesting (jobs) under random sequences of real actions, across the apps
they span: consent (contacts), sharing (cases.assignment) and who sees what
(cases.selectors).

Hypothesis has the coordinator suggest people to two employers' needs, the employers and
the coordinator record outcomes and close needs, newcomers withdraw and give again their
consent to employers, each through the services the screens and the API call. After every
step:
- an employer's member sees a person's name or case only where they may open the case,
  and never another employer's needs, on a need's page or a case's;
- nobody is offered as fitting without an active consent to employers;
- a case is shared with an employer only while the consent covers it and, unless staff
  shared it by hand, a suggestion to that employer is still pending on an open need, or
  was placed;
- a share made by hand stays until staff end it or the consent is withdrawn, whatever
  happens to suggestions (staff share and unshare by hand too; one employer has two needs).

Each example runs in a savepoint rolled back at its end. tests/budget.py says how many
examples each pass of CI runs.
"""

import contextlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from cases.assignment import case_share, case_unshare
from cases.models import Case
from cases.selectors import case_list_visible
from cases.services import consent_withdraw
from contacts.models import Consent
from contacts.services import consent_record
from jobs import services
from jobs.matching import candidates_for_need, needs_for_case
from jobs.models import NeedSuggestion, RecruitmentNeed
from jobs.selectors import need_list_visible
from tests import factories as f
from tests.budget import examples
from tests.jobs.conftest import coded_household, occupation

EMPLOYER = Consent.Scope.EMPLOYER
Outcome = NeedSuggestion.Outcome


def _world(jobs):
    """Two more households beside the conftest's nurse (partner an electrician): an
    electrician consenting to employers, and an electromechanic who does not. The rival
    employer needs electricians too."""
    both = (Consent.Scope.MUNICIPALITY, EMPLOYER)
    electrician = coded_household(
        name="Jonas Berg", code="7411", municipality=jobs.narvik, scopes=both
    )
    mechanic = coded_household(
        name="Ola Dahl",
        code="7412",
        municipality=jobs.narvik,
        scopes=(Consent.Scope.MUNICIPALITY,),
    )
    cases = [
        jobs.case,
        f.make_case(newcomer=electrician, organisation=jobs.world.kommune),
        f.make_case(newcomer=mechanic, organisation=jobs.world.kommune),
    ]
    # The rival's need for electricians, and the firm's second need (the minor group).
    more_needs = [
        services.need_create(
            employer=employer,
            occupation=occupation(code),
            municipality=jobs.narvik,
            positions=1,
            contact_name="Kari Lie",
            actor=actor,
        )
        for employer, code, actor in [
            (jobs.rival, "7411", jobs.rival_boss),
            (jobs.firm, "741", jobs.boss),
        ]
    ]
    return cases, [jobs.need, *more_needs]


class MatchingMachine(RuleBasedStateMachine):
    def __init__(self, jobs, cases, needs) -> None:
        super().__init__()
        self.jobs, self.case_ids, self.need_ids = jobs, [c.pk for c in cases], [n.pk for n in needs]
        self.members = {jobs.firm.pk: jobs.boss, jobs.rival.pk: jobs.rival_boss}
        # The shares staff made by hand, while they last: jobs must never end one.
        self.by_hand: set[tuple[int, int]] = set()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _case(self, i: int) -> Case:
        return Case.objects.select_related("newcomer").get(pk=self.case_ids[i % 3])

    def _need(self, i: int) -> RecruitmentNeed:
        return RecruitmentNeed.objects.select_related("employer").get(pk=self.need_ids[i % 3])

    def _try(self, action) -> None:
        # A refusal is a correct answer; its savepoint leaves the state as it was.
        with contextlib.suppress(ValidationError, PermissionDenied), transaction.atomic():
            action()

    @rule(i=st.integers(0, 2), n=st.integers(0, 2), person=st.sampled_from(["newcomer", "partner"]))
    def suggest(self, i, n, person) -> None:
        case, need = self._case(i), self._need(n)
        self._try(
            lambda: services.need_suggest(
                need=need, case=case, person=person, actor=self.jobs.coordinator
            )
        )

    @rule(
        k=st.integers(0, 5),
        outcome=st.sampled_from([Outcome.PLACED, Outcome.DECLINED]),
        by_employer=st.booleans(),
    )
    def record_outcome(self, k, outcome, by_employer) -> None:
        suggestions = list(NeedSuggestion.objects.select_related("need", "case").order_by("pk"))
        if suggestions:
            suggestion = suggestions[k % len(suggestions)]
            actor = (
                self.members[suggestion.need.employer_id] if by_employer else self.jobs.coordinator
            )
            self._try(
                lambda: services.suggestion_outcome_record(
                    suggestion=suggestion, outcome=outcome, actor=actor
                )
            )

    @rule(
        n=st.integers(0, 2),
        state=st.sampled_from(["filled", "withdrawn"]),
        by_employer=st.booleans(),
    )
    def close_need(self, n, state, by_employer) -> None:
        need = self._need(n)
        actor = self.members[need.employer_id] if by_employer else self.jobs.coordinator
        self._try(lambda: services.need_close(need=need, state=state, actor=actor))

    @rule(i=st.integers(0, 2), employer=st.sampled_from(["firm", "rival"]))
    def share_by_hand(self, i, employer) -> None:
        # Over a share a suggestion made too: staff asked for it, so it is theirs from now.
        case, organisation = self._case(i), getattr(self.jobs, employer)
        with contextlib.suppress(ValidationError), transaction.atomic():
            case_share(case=case, organisation=organisation, actor=self.jobs.coordinator)
            self.by_hand.add((case.pk, organisation.pk))

    @rule(i=st.integers(0, 2), employer=st.sampled_from(["firm", "rival"]))
    def unshare_by_hand(self, i, employer) -> None:
        case, organisation = self._case(i), getattr(self.jobs, employer)
        case_unshare(case=case, organisation=organisation, actor=self.jobs.coordinator)
        self.by_hand.discard((case.pk, organisation.pk))

    @rule(i=st.integers(0, 2))
    def withdraw_consent(self, i) -> None:
        case = self._case(i)
        consent_withdraw(newcomer=case.newcomer, scope=EMPLOYER, actor=self.jobs.coordinator)
        # Withdrawing the consent to employers ends every share with them, by hand or not.
        self.by_hand = {(c, o) for c, o in self.by_hand if c != case.pk}

    @rule(i=st.integers(0, 2))
    def give_consent(self, i) -> None:
        consent_record(newcomer=self._case(i).newcomer, scopes=[EMPLOYER])

    # --- invariants -------------------------------------------------------------------

    @invariant()
    def employers_see_only_what_they_may(self) -> None:
        for employer_id, member in self.members.items():
            visible_cases = set(case_list_visible(user=member).values_list("pk", flat=True))
            needs = list(need_list_visible(user=member))
            assert {need.employer_id for need in needs} <= {employer_id}
            for need in needs:
                for candidate in candidates_for_need(need=need, user=member):
                    if candidate.visible:
                        assert candidate.case.pk in visible_cases, (member, candidate.case)
            for pk in visible_cases & set(self.case_ids):
                fits = needs_for_case(case=Case.objects.get(pk=pk), user=member)
                assert {fit.need.employer_id for fit in fits} <= {employer_id}

    @invariant()
    def only_consenting_people_fit(self) -> None:
        consenting = set(
            Consent.objects.filter(scope=EMPLOYER, withdrawn_at=None).values_list(
                "newcomer_id", flat=True
            )
        )
        for pk in self.need_ids:
            need = RecruitmentNeed.objects.get(pk=pk)
            for candidate in candidates_for_need(need=need, user=self.jobs.coordinator):
                assert candidate.newcomer.pk in consenting

    @invariant()
    def shares_follow_consent_and_suggestions(self) -> None:
        for case in Case.objects.filter(pk__in=self.case_ids).prefetch_related("shared_with"):
            consents = Consent.objects.filter(
                newcomer_id=case.newcomer_id, scope=EMPLOYER, withdrawn_at=None
            ).exists()
            for organisation in case.shared_with.all():
                if organisation.pk not in self.members:
                    continue
                assert consents, (case, organisation)
                if (case.pk, organisation.pk) in self.by_hand:
                    continue
                live = NeedSuggestion.objects.filter(case=case, need__employer=organisation)
                assert (
                    live.filter(outcome=Outcome.PLACED).exists()
                    or live.filter(
                        outcome=Outcome.PENDING, need__state=RecruitmentNeed.State.OPEN
                    ).exists()
                ), (case, organisation, list(live.values("outcome", "need__state")))

    @invariant()
    def shares_made_by_hand_stay(self) -> None:
        for case_id, organisation_id in self.by_hand:
            assert Case.objects.get(pk=case_id).shared_with.filter(pk=organisation_id).exists()


def test_matching_and_suggesting_hold_under_random_actions(jobs):
    cases, needs = _world(jobs)
    run_state_machine_as_test(
        lambda: MatchingMachine(jobs, cases, needs),
        settings=hypothesis_settings(
            max_examples=examples(sqlite=60, postgres=25, laptop=30),
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
