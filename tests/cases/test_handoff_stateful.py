"""The handoff rule (cases.assignment) under random sequences of real actions.

Hypothesis picks personas of the demo's kinds (the municipality's coordinator and a
member, a school, NAV, the business association, the volunteer centre that no consent
covers) and has them open cases, give them owners and organisations, share and unshare,
withdraw and give consent, start plans, give steps to queues and people, add follow-ups,
take cases, write notes and close cases, each through the services the screens and the
API call, and only where the screens would let that persona act. After every step the
invariants of tests/handoff.py hold: whoever holds open work can open the case and finds
the work in "My work" while the case is open (a closed case's open work rests); nobody is
labelled with an organisation they are not in; list and detail agree for everyone, and the
lists' two ways of reading a member's cases give the same cases; no confidential note
leaks. And reminders go out for exactly the work "My work" shows.

Each example runs in a savepoint rolled back at its end, inside the test's transaction.
tests/budget.py says how many examples each pass of CI runs.
"""

import contextlib
from datetime import time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cases import handling, paging, services
from cases.models import Case, FollowUp, Note
from cases.selectors import case_can_manage, case_can_take, case_list_visible, my_followups_open
from cases.workingtime import local_at
from contacts.models import Consent, Membership, Newcomer, Organisation
from contacts.services import consent_record
from onboarding.assignment import step_reassign
from onboarding.models import OnboardingPlan, OnboardingTemplate, PlanStep, TemplateStep
from onboarding.selectors import my_plan_steps_open
from onboarding.services import plan_start, step_complete
from reminders.models import Reminder
from reminders.services.planning import reminders_plan
from tests import factories as f
from tests.budget import examples
from tests.handoff import handoff_violations

Kind = Organisation.Kind
ORGS = {
    "kommune": ("Narvik kommune", Kind.MUNICIPALITY),
    "skole": ("Narvik skole", Kind.SCHOOL),
    "nav": ("NAV Narvik", Kind.NAV),
    "naering": ("Narvik Næringsforening", Kind.EMPLOYER),
    "frivillig": ("Frivilligsentralen", Kind.ASSOCIATION),
}
PERSONAS = {
    "koordinator": ("kommune", Membership.Role.COORDINATOR),
    "kommune": ("kommune", Membership.Role.MEMBER),
    "skole": ("skole", Membership.Role.MEMBER),
    "nav": ("nav", Membership.Role.MEMBER),
    "naering": ("naering", Membership.Role.MEMBER),
    "frivillig": ("frivillig", Membership.Role.MEMBER),
}
persona = st.sampled_from(sorted(PERSONAS))
org_key = st.sampled_from(sorted(ORGS))
scope = st.sampled_from(Consent.Scope.values)
index = st.integers(min_value=0, max_value=50)
MAX_CASES = 3
ITEM_KINDS = {
    Reminder.Kind.FOLLOWUP_DUE,
    Reminder.Kind.FOLLOWUP_OVERDUE,
    Reminder.Kind.STEP_DUE,
    Reminder.Kind.STEP_OVERDUE,
}


class HandoffMachine(RuleBasedStateMachine):
    def __init__(self, world) -> None:
        super().__init__()
        self.orgs, self.users, self.template = world
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.case_ids: list[int] = []
        self.touched: int | None = None  # the case the last step acted on
        self.changed = True  # whether a step changed anything since the last check
        self._reach_small = paging.REACH_SMALL

    def teardown(self) -> None:
        paging.REACH_SMALL = self._reach_small  # first: the rollback below may raise
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @rule(limit=st.sampled_from([0, 1, 2, 1000]))
    def reach_small(self, limit) -> None:
        """How many cases a branch of a member's reach may hold before the lists walk the
        newest cases instead of reading the branches (cases.paging.case_list_for_paging):
        with three cases at most, a low limit sends some members each way."""
        paging.REACH_SMALL = limit
        self.changed = True

    # --- helpers ------------------------------------------------------------------------

    def _case(self, i: int) -> Case:
        pk = self.case_ids[i % len(self.case_ids)]
        self.touched = pk
        return Case.objects.select_related("newcomer", "owner").get(pk=pk)

    def _managed(self, i: int, who: str) -> Case | None:
        """The case if the persona may manage it (as the screens check first), else None."""
        case = self._case(i)
        user = self.users[who]
        if not case_list_visible(user=user).filter(pk=case.pk).exists():
            return None
        return case if case_can_manage(user=user, case=case) else None

    def _try(self, action) -> None:
        """Runs a service. A refusal is a correct answer: it rolls back its own savepoint,
        so the state the invariants last checked is unchanged."""
        with contextlib.suppress(ValidationError, PermissionDenied):
            action()
            self.changed = True

    # --- actions ------------------------------------------------------------------------

    @precondition(lambda self: len(self.case_ids) < MAX_CASES)
    @rule(scopes=st.sets(scope), who=persona)
    def open_case(self, scopes, who) -> None:
        newcomer = Newcomer.objects.create(name=f"Newcomer {len(self.case_ids)}")
        consent_record(newcomer=newcomer, scopes=sorted(scopes))
        actor = self.users[who]
        case = services.case_open(newcomer=newcomer, channel=Case.Channel.PHONE, actor=actor)
        self.case_ids.append(case.pk)
        self.touched = case.pk
        self.changed = True

    @precondition(lambda self: self.case_ids)
    @rule(i=index, who=persona, owner=st.one_of(st.none(), persona))
    def assign(self, i, who, owner) -> None:
        case = self._managed(i, who)
        if case is not None:
            person = self.users[owner] if owner else None
            self._try(
                lambda: services.case_assign_owner(case=case, owner=person, actor=self.users[who])
            )

    @precondition(lambda self: self.case_ids)
    @rule(i=index, who=persona, org=st.one_of(st.none(), org_key))
    def set_organisation(self, i, who, org) -> None:
        case = self._managed(i, who)
        if case is not None:
            organisation = self.orgs[org] if org else None
            self._try(
                lambda: services.case_set_organisation(
                    case=case, organisation=organisation, actor=self.users[who]
                )
            )

    @precondition(lambda self: self.case_ids)
    @rule(i=index, who=persona, org=org_key)
    def share(self, i, who, org) -> None:
        case = self._managed(i, who)
        if case is not None:
            self._try(
                lambda: services.case_share(
                    case=case, organisation=self.orgs[org], actor=self.users[who]
                )
            )

    @precondition(lambda self: self.case_ids)
    @rule(i=index, who=persona, org=org_key)
    def unshare(self, i, who, org) -> None:
        case = self._managed(i, who)
        if case is not None:
            self._try(
                lambda: services.case_unshare(
                    case=case, organisation=self.orgs[org], actor=self.users[who]
                )
            )

    @precondition(lambda self: self.case_ids)
    @rule(i=index, who=persona, withdrawn=scope)
    def withdraw_consent(self, i, who, withdrawn) -> None:
        case = self._managed(i, who)
        if case is not None:
            self._try(
                lambda: services.consent_withdraw(
                    newcomer=case.newcomer, scope=withdrawn, actor=self.users[who]
                )
            )

    @precondition(lambda self: self.case_ids)
    @rule(i=index, given=scope)
    def give_consent(self, i, given) -> None:
        case = self._case(i)
        self._try(lambda: consent_record(newcomer=case.newcomer, scopes=[given]))

    @precondition(lambda self: self.case_ids)
    @rule(i=index, who=persona)
    def start_plan(self, i, who) -> None:
        case = self._managed(i, who)
        if case is not None and not OnboardingPlan.objects.filter(case=case).exists():
            self._try(
                lambda: plan_start(
                    case=case,
                    template=self.template,
                    move_date=timezone.localdate() + timedelta(days=30),
                    from_abroad=True,
                    eu_eea=True,
                    long_stay=True,
                    importing_car=False,
                    actor=self.users[who],
                )
            )

    @precondition(lambda self: self.case_ids)
    @rule(
        i=index,
        j=index,
        who=persona,
        org=st.one_of(st.none(), org_key),
        person=st.one_of(st.none(), persona),
    )
    def assign_step(self, i, j, who, org, person) -> None:
        case = self._managed(i, who)
        steps = list(PlanStep.objects.filter(plan__case=case, status="open").order_by("pk"))
        if case is not None and steps:
            step = steps[j % len(steps)]
            self._try(
                lambda: step_reassign(
                    step=step,
                    organisation=self.orgs[org] if org else None,
                    assignee=self.users[person] if person else None,
                    actor=self.users[who],
                )
            )

    @precondition(lambda self: self.case_ids)
    @rule(i=index, j=index, who=persona)
    def complete_step(self, i, j, who) -> None:
        user = self.users[who]
        steps = list(
            PlanStep.objects.filter(
                plan__case_id=self._case(i).pk, status="open", assignee=user
            ).order_by("pk")
        )
        if steps:
            self._try(lambda: step_complete(step=steps[j % len(steps)], actor=user))

    @precondition(lambda self: self.case_ids)
    @rule(i=index, who=persona, assignee=persona)
    def add_followup(self, i, who, assignee) -> None:
        case = self._managed(i, who)
        if case is not None:
            self._try(
                lambda: services.followup_add(
                    case=case,
                    title="Ring tilbake",
                    assignee=self.users[assignee],
                    due_date=timezone.localdate() + timedelta(days=2),
                    actor=self.users[who],
                )
            )

    @precondition(lambda self: self.case_ids)
    @rule(i=index, who=persona)
    def complete_followup(self, i, who) -> None:
        user = self.users[who]
        followup = FollowUp.objects.filter(
            case_id=self._case(i).pk, assignee=user, done_at=None
        ).first()
        if followup is not None:
            self._try(lambda: services.followup_complete(followup=followup, actor=user))

    @precondition(lambda self: self.case_ids)
    @rule(i=index, who=persona)
    def take(self, i, who) -> None:
        user = self.users[who]
        case = self._case(i)
        if case_list_visible(user=user).filter(pk=case.pk).exists() and case_can_take(
            user=user, case=case
        ):
            self._try(lambda: handling.case_take(case=case, actor=user))

    @precondition(lambda self: self.case_ids)
    @rule(i=index, who=persona, confidential=st.booleans())
    def note(self, i, who, confidential) -> None:
        user = self.users[who]
        case = self._case(i)
        if case_list_visible(user=user).filter(pk=case.pk).exists():
            visibility = Note.Visibility.CONFIDENTIAL if confidential else Note.Visibility.TEAM
            self._try(
                lambda: services.note_add(
                    case=case, body="Notat", visibility=visibility, actor=user
                )
            )

    @precondition(lambda self: self.case_ids)
    @rule(
        i=index,
        who=persona,
        owner=st.one_of(st.none(), persona),
        org=st.one_of(st.none(), org_key),
        priority=st.sampled_from(Case.Priority.values),
    )
    def handle(self, i, who, owner, org, priority) -> None:
        """The "Handle the case" form: owner, organisation and priority at once."""
        case = self._managed(i, who)
        if case is not None:
            self._try(
                lambda: handling.case_handle(
                    case=case,
                    actor=self.users[who],
                    status=case.status,
                    closing_reason=case.closing_reason,
                    owner=self.users[owner] if owner else None,
                    organisation=self.orgs[org] if org else None,
                    priority=priority,
                )
            )

    @precondition(lambda self: self.case_ids)
    @rule(i=index, who=persona, close=st.booleans())
    def close_or_reopen(self, i, who, close) -> None:
        case = self._managed(i, who)
        if case is not None:
            status = Case.Status.CLOSED if close else Case.Status.OPEN
            self._try(
                lambda: services.case_change_status(
                    case=case, status=status, closing_reason="answered", actor=self.users[who]
                )
            )

    # --- the invariants -----------------------------------------------------------------

    @invariant()
    def rule_holds(self) -> None:
        if not self.changed:
            return  # a step that changed nothing leaves the state checked last time
        self.changed = False
        # Work, labels and the case list for every case and persona; detail, notes and
        # timeline for the case just acted on (the others did not change).
        problems = handoff_violations(
            users=list(self.users.values()),
            case_ids=[self.touched] if self.touched is not None else [],
        )
        assert problems == [], problems
        self._reminders_follow_my_work()

    def _reminders_follow_my_work(self) -> None:
        """Reminders go out for exactly the work "My work" shows its holders: every open
        follow-up and plan step assigned to them, none of a closed case (whose work rests).
        Planned far enough ahead that every date in play has passed."""
        later = local_at(timezone.localdate() + timedelta(days=400), time(23, 0))
        planned = {
            (row.user_id, row.followup_id, row.step_id)
            for row in reminders_plan(now=later)
            if row.kind in ITEM_KINDS
        }
        expected = set()
        for user in self.users.values():
            expected |= {
                (user.pk, pk, None)
                for pk in my_followups_open(user=user).values_list("pk", flat=True)
            }
            expected |= {
                (user.pk, None, pk)
                for pk in my_plan_steps_open(user=user)
                .filter(assignee=user)
                .values_list("pk", flat=True)
            }
        assert planned == expected


def _world():
    """The organisations, personas and template, made once for all examples (each example
    adds its cases in a savepoint of its own)."""
    orgs = {key: f.make_organisation(name=name, kind=kind) for key, (name, kind) in ORGS.items()}
    users = {
        key: f.make_user(username=key, organisation=orgs[org], role=role)
        for key, (org, role) in PERSONAS.items()
    }
    template = OnboardingTemplate.objects.create(
        name_nb="Alle", name_en="Everyone", slug="everyone"
    )
    kinds = ["", Kind.MUNICIPALITY, Kind.SCHOOL, Kind.EMPLOYER, Kind.NAV, Kind.ASSOCIATION]
    for position, kind in enumerate(kinds):
        TemplateStep.objects.create(
            template=template,
            key=f"step-{position}",
            position=position,
            title_nb=f"Steg {position}",
            title_en=f"Step {position}",
            titles={"nb": f"Steg {position}", "en": f"Step {position}"},
            doer=TemplateStep.Doer.TEAM,
            responsible_kind=kind,
            anchor=TemplateStep.Anchor.MOVE_DATE,
            offset_days=position,
        )
    # A newcomer's own step names NAV as its contact: not NAV's work.
    TemplateStep.objects.create(
        template=template,
        key="newcomer-step",
        title_nb="Registrer deg",
        title_en="Register",
        titles={"nb": "Registrer deg", "en": "Register"},
        doer=TemplateStep.Doer.NEWCOMER,
        responsible_kind=Kind.NAV,
        anchor=TemplateStep.Anchor.MOVE_DATE,
    )
    return orgs, users, template


def test_handoff_rule_holds_under_random_actions(db):
    world = _world()
    run_state_machine_as_test(
        lambda: HandoffMachine(world),
        settings=hypothesis_settings(
            max_examples=examples(sqlite=150, postgres=40, laptop=60),
            stateful_step_count=15,
            deadline=None,
            database=None,
            report_multiple_bugs=False,
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
