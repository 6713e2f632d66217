"""A closed case's open work rests (cases.selectors.case_work_rests), under random sequences of
real actions: follow-ups and plan steps added, given to people and queues and done; cases
closed and reopened; days passing. After every step, every screen and job that shows open
work agrees with the rule, computed here from the rows alone:

- "My work" of each person, and their digest;
- the reminders planned for staff and for the newcomer;
- the dashboard's overdue figures, whole and narrowed to an organisation;
- the case list's "Overdue" mark and both of its overdue filters;
- the newcomer's own page.

The handoff machine (tests/cases/test_handoff_stateful.py) checks the same rule beside who
may see what; its actions seldom close a case with work open, which every example here
can. tests/budget.py says how many examples each pass of CI runs."""

import contextlib
from datetime import date, time, timedelta

import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cases import services
from cases.models import Case, FollowUp
from cases.selectors import case_overdue_flag, case_overdue_q, my_followups_open
from cases.workingtime import local_at
from contacts.models import Consent, Membership, Newcomer, Organisation
from onboarding.assignment import step_reassign
from onboarding.models import OnboardingTemplate, PlanStep, TemplateStep
from onboarding.parts import cases_with_overdue_steps
from onboarding.selectors import my_plan_steps_open
from onboarding.services import plan_start, step_add, step_complete
from portal.selectors import portal_overview
from reminders.models import Reminder
from reminders.selectors import digest_for_user
from reminders.services import reminders_plan
from reports.periods import THIS_MONTH, period_pair_resolve
from reports.selectors import followup_overdue_counts
from reports.selectors.plans import onboarding_figures
from tests import factories as f
from tests.budget import examples
from tests.handoff import next_followup_due_violations

START = date(2026, 6, 10)  # a Wednesday
CASES = 2
Kind = Reminder.Kind
STAFF_ITEM_KINDS = {Kind.FOLLOWUP_DUE, Kind.FOLLOWUP_OVERDUE, Kind.STEP_DUE, Kind.STEP_OVERDUE}
person = st.sampled_from(["koordinator", "kommune"])
index = st.integers(min_value=0, max_value=20)
offset = st.integers(min_value=-3, max_value=6)


class RestingWorkMachine(RuleBasedStateMachine):
    def __init__(self, world) -> None:
        super().__init__()
        self.kommune, self.users, self.newcomer, self.template = world
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.today = START
        self.case_ids: list[int] = []

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _case(self, i: int) -> Case:
        return Case.objects.get(pk=self.case_ids[i % len(self.case_ids)])

    def _at(self, hour: int):
        return time_machine.travel(local_at(self.today, time(hour, 0)), tick=False)

    def _try(self, action) -> None:
        """A refusal is an answer too: its savepoint rolls back and nothing changes."""
        refused = contextlib.suppress(ValidationError, PermissionDenied)
        with self._at(10), refused, transaction.atomic():
            action()

    # --- actions ------------------------------------------------------------------------

    @initialize()
    def open_cases(self) -> None:
        coordinator = self.users["koordinator"]
        with self._at(10):
            for _ in range(CASES):
                case = f.make_case(newcomer=self.newcomer, organisation=self.kommune)
                plan_start(
                    case=case,
                    template=self.template,
                    move_date=START,
                    from_abroad=True,
                    eu_eea=True,
                    long_stay=True,
                    importing_car=False,
                    actor=coordinator,
                )
                # Work from the start (a follow-up overdue already, the newcomer's step soon), so
                # that closing a case rests some.
                services.followup_add(
                    case=case,
                    title="Ring tilbake",
                    assignee=self.users[sorted(self.users)[len(self.case_ids) % 2]],
                    due_date=START - timedelta(days=1),
                    actor=coordinator,
                )
                step_add(
                    plan=case.plan,
                    title="Registrer deg",
                    due_date=START + timedelta(days=3),
                    doer=TemplateStep.Doer.NEWCOMER,
                    actor=coordinator,
                )
                self.case_ids.append(case.pk)

    @rule(i=index, assignee=person, days=offset)
    def add_followup(self, i, assignee, days) -> None:
        case = self._case(i)
        self._try(
            lambda: services.followup_add(
                case=case,
                title="Ring tilbake",
                assignee=self.users[assignee],
                due_date=self.today + timedelta(days=days),
                actor=self.users["koordinator"],
            )
        )

    @rule(i=index, who=person, days=offset, newcomers=st.booleans())
    def add_step(self, i, who, days, newcomers) -> None:
        plan = self._case(i).plan
        self._try(
            lambda: step_add(
                plan=plan,
                title="Steg",
                due_date=self.today + timedelta(days=days),
                doer=TemplateStep.Doer.NEWCOMER if newcomers else TemplateStep.Doer.TEAM,
                actor=self.users[who],
            )
        )

    @rule(j=index, to=st.one_of(st.none(), person))
    def give_step(self, j, to) -> None:
        """To a person, or back to the organisation's queue (nobody)."""
        steps = list(PlanStep.objects.filter(doer="team", status="open").order_by("pk"))
        if steps:
            self._try(
                lambda: step_reassign(
                    step=steps[j % len(steps)],
                    organisation=self.kommune,
                    assignee=self.users[to] if to else None,
                    actor=self.users["koordinator"],
                )
            )

    @rule(i=index)
    def close_or_reopen(self, i) -> None:
        """Closes the case, or reopens it when it is closed: the rule's two turns."""
        case = self._case(i)
        closing = case.status != Case.Status.CLOSED
        self._try(
            lambda: services.case_change_status(
                case=case,
                status=Case.Status.CLOSED if closing else Case.Status.OPEN,
                closing_reason="answered",
                actor=self.users["koordinator"],
            )
        )

    @rule(j=index)
    def complete_followup(self, j) -> None:
        followups = list(FollowUp.objects.filter(done_at=None).order_by("pk"))
        if followups:
            followup = followups[j % len(followups)]
            self._try(
                lambda: services.followup_complete(followup=followup, actor=followup.assignee)
            )

    @rule(j=index)
    def complete_step(self, j) -> None:
        steps = list(PlanStep.objects.filter(status="open").order_by("pk"))
        if steps:
            step = steps[j % len(steps)]
            self._try(lambda: step_complete(step=step, actor=self.users["koordinator"]))

    @precondition(lambda self: self.today < START + timedelta(days=20))
    @rule(days=st.integers(min_value=1, max_value=4))
    def days_pass(self, days) -> None:
        self.today += timedelta(days=days)

    # --- the rule, from the rows alone -------------------------------------------------

    def _open_work(self):
        """Open follow-ups and plan steps of cases not closed, as plain tuples."""
        closed = set(Case.objects.filter(status=Case.Status.CLOSED).values_list("pk", flat=True))
        followups = [
            (pk, case_id, assignee_id, due)
            for pk, case_id, assignee_id, due in FollowUp.objects.filter(done_at=None).values_list(
                "pk", "case_id", "assignee_id", "due_date"
            )
            if case_id not in closed
        ]
        steps = [
            (pk, case_id, doer, assignee_id, organisation_id, due)
            for pk, case_id, doer, assignee_id, organisation_id, due in PlanStep.objects.filter(
                status="open"
            ).values_list(
                "pk", "plan__case_id", "doer", "assignee_id", "organisation_id", "due_date"
            )
            if case_id not in closed
        ]
        return followups, steps

    @invariant()
    def open_work_follows_the_rule(self) -> None:
        if not self.case_ids:
            return
        today = self.today
        followups, steps = self._open_work()
        # Each row carries the answer the queries read (cases.selectors.case_work_rests).
        for model, path in ((FollowUp, "case__status"), (PlanStep, "plan__case__status")):
            flags = model.objects.values_list("rests", path)
            assert all(rests == (status == Case.Status.CLOSED) for rests, status in flags)
        # So does each case, of its next follow-up (cases.followup_due).
        assert next_followup_due_violations() == []
        team = [s for s in steps if s[2] == TemplateStep.Doer.TEAM]
        with self._at(23):
            # "My work" and the digest, for each person.
            for key, user in self.users.items():
                mine = {pk for pk, _c, assignee, _d in followups if assignee == user.pk}
                assert set(my_followups_open(user=user).values_list("pk", flat=True)) == mine
                my_steps = {
                    pk
                    for pk, _c, _d, assignee, org, _due in team
                    if assignee == user.pk or (assignee is None and org == self.kommune.pk)
                }
                assert set(my_plan_steps_open(user=user).values_list("pk", flat=True)) == (
                    my_steps
                ), key
                digest = digest_for_user(user=user, now=local_at(today, time(23, 0)))
                due_mine = [d for _p, _c, a, d in followups if a == user.pk and d <= today]
                due_steps = [s for s in team if s[0] in my_steps and s[5] <= today]
                assert (len(digest.followups), len(digest.steps)) == (
                    len(due_mine),
                    len(due_steps),
                ), key
            # The reminders planned now (none is written: every day is new to them).
            rows = reminders_plan(now=local_at(today, time(23, 0)))
            planned = {
                (r.user_id, r.followup_id, r.step_id) for r in rows if r.kind in STAFF_ITEM_KINDS
            }
            expected = {(a, pk, None) for pk, _c, a, d in followups if d <= today} | {
                (s[3], None, s[0]) for s in team if s[3] is not None and s[5] <= today
            }
            assert planned == expected
            window = today + timedelta(days=settings.REMINDERS_NEWCOMER_DAYS_BEFORE)
            assert {r.step_id for r in rows if r.kind == Kind.NEWCOMER_DEADLINE} == {
                s[0] for s in steps if s[2] == TemplateStep.Doer.NEWCOMER and today < s[5] <= window
            }
            # The dashboard, whole and narrowed, and the case list's marks and filters.
            late = [(pk, c) for pk, c, _a, d in followups if d < today]
            late_steps = [(s[0], s[1]) for s in steps if s[5] < today]
            late_cases = {c for _pk, c in late}
            periods = period_pair_resolve(kind=THIS_MONTH, today=today)
            for cases in (
                Case.objects.all(),
                Case.objects.filter(responsible_organisation=self.kommune),
            ):
                counts = followup_overdue_counts(cases=cases, today=today)
                assert (counts.followups, counts.cases) == (len(late), len(late_cases))
                plans = onboarding_figures(cases=cases, periods=periods, today=today)
                assert (plans.overdue_steps, plans.overdue_cases) == (
                    len(late_steps),
                    len({c for _pk, c in late_steps}),
                )
            assert (
                set(Case.objects.filter(case_overdue_q(today=today)).values_list("pk", flat=True))
                == late_cases
            )
            flags = dict(
                Case.objects.annotate(o=case_overdue_flag(today=today)).values_list("pk", "o")
            )
            assert {pk for pk, flag in flags.items() if flag} == late_cases
            assert set(
                cases_with_overdue_steps(Case.objects.all()).values_list("pk", flat=True)
            ) == {c for _pk, c in late_steps}
            # The newcomer's page: open steps of open cases only, the newcomer's and the team's.
            overview = portal_overview(newcomer=self.newcomer)
            assert {s.pk for s in overview.my_steps + overview.team_steps} == {s[0] for s in steps}


def _world():
    kommune = f.make_organisation(name="Narvik kommune", kind=Organisation.Kind.MUNICIPALITY)
    users = {
        "koordinator": f.make_user(
            username="koordinator", organisation=kommune, role=Membership.Role.COORDINATOR
        ),
        "kommune": f.make_user(username="kommune", organisation=kommune),
    }
    newcomer = f.make_newcomer(name="Anna Kowalska", scopes=(Consent.Scope.MUNICIPALITY,))
    Newcomer.objects.filter(pk=newcomer.pk).update(reminders_consent_at=local_at(START, time(8, 0)))
    newcomer.refresh_from_db()
    template = OnboardingTemplate.objects.create(name_nb="Hvile", name_en="Rest", slug="rest")
    TemplateStep.objects.create(
        template=template,
        key="first",
        title_nb="Første",
        title_en="First",
        titles={"nb": "Første", "en": "First"},
        doer=TemplateStep.Doer.TEAM,
        responsible_kind=Organisation.Kind.MUNICIPALITY,
        anchor=TemplateStep.Anchor.MOVE_DATE,
        offset_days=2,
    )
    return kommune, users, newcomer, template


def test_resting_work_holds_under_random_actions(db):
    world = _world()
    run_state_machine_as_test(
        lambda: RestingWorkMachine(world),
        settings=hypothesis_settings(
            max_examples=examples(sqlite=80, postgres=25, laptop=40),
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
