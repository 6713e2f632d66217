"""Erasure and export under random sequences of real actions on two newcomers.

Hypothesis picks the actions (an enquiry, notes, follow-ups, a message from the newcomer's
page, an e-mail to them, a plan step skipped with a reason, a consent withdrawn, an export,
an erasure) and their order. Each action writes a unique marker into the free text it
takes, and the database is read as a whole, every column of every table, so a marker kept
in a place nobody thought of is still found. The properties:

- what the database holds of a newcomer's markers is in their export;
- after a newcomer is erased, none of the markers written for them is left anywhere;
- the other newcomer's markers that the database held are all still there.

Each example runs in a savepoint rolled back at its end (the machine's __init__ and
teardown), inside the test's own transaction (the `db` fixture).
"""

import contextlib
import json
from datetime import date, timedelta
from itertools import count

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cases.models import Case
from cases.services import consent_withdraw, followup_add, intake_submit, note_add
from contacts.models import Consent, Newcomer
from conversations.services import message_send
from onboarding.models import OnboardingPlan, OnboardingTemplate, TemplateStep
from onboarding.services import plan_start, step_add, step_skip
from portal.services import newcomer_message_send
from privacy.services import newcomer_erase, newcomer_export

PEOPLE = ("a", "b")
SCOPES = (Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL)


def _database_values():
    """(table, column, value as text) for every value of every column of every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    yield table, column, str(value)


def _database_text() -> str:
    return "\n".join(value for _table, _column, value in _database_values())


def _places(markers: list[str]) -> dict[str, list[str]]:
    """Where each marker is stored, as table.column, for the failure message."""
    found: dict[str, list[str]] = {marker: [] for marker in markers}
    for table, column, value in _database_values():
        for marker in markers:
            if marker in value:
                found[marker].append(f"{table}.{column}")
    return found


class ErasureMachine(RuleBasedStateMachine):
    # The newcomers still to be acted on: each starts with an enquiry, erasure takes them out.
    people = Bundle("people")

    def __init__(self, world) -> None:
        super().__init__()
        self.world = world
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._numbers = count(1)
        self.newcomer_ids: dict[str, int] = {}
        self.written: dict[str, list[str]] = {who: [] for who in PEOPLE}
        # Markers the database was seen to hold, per newcomer not erased.
        self.held: dict[str, set[str]] = {who: set() for who in PEOPLE}
        self.erased: set[str] = set()
        self.template = OnboardingTemplate.objects.create(
            name_nb="Familie", name_en="Family", slug="family"
        )

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ------------------------------------------------------------------------

    def _marker(self, who: str) -> str:
        """A marker no other marker contains (fixed width, closed by "z")."""
        marker = f"mk{who}{next(self._numbers):04d}z"
        self.written[who].append(marker)
        return marker

    def _newcomer(self, who: str) -> Newcomer:
        return Newcomer.objects.get(pk=self.newcomer_ids[who])

    def _case(self, who: str) -> Case:
        return Case.objects.filter(newcomer_id=self.newcomer_ids[who]).latest("pk")

    def _held_now(self, who: str, text: str) -> set[str]:
        return {marker for marker in self.written[who] if marker in text}

    def _assert_exported(self, who: str, data: dict, text: str) -> None:
        exported = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
        missing = sorted(m for m in self._held_now(who, text) if m not in exported)
        assert not missing, f"stored for {who} but not in the export: {_places(missing)}"

    # --- actions ------------------------------------------------------------------------

    def _intake(self, who: str, partner: bool) -> str:
        case = intake_submit(
            name=f"Name {self._marker(who)}",
            email=f"{who}@example.org",
            phone=f"+47 {self._marker(who)}",
            preferred_language="en",
            municipality=None,
            locality=None,
            planned_move_date=date(2026, 8, 1),
            target_group="family",
            occupation=self._marker(who),
            has_partner=partner,
            partner_needs_work=partner,
            partner_occupation=self._marker(who) if partner else "",
            children_birth_years=[2020],
            interests=self._marker(who),
            topics=[],
            message=f"Hello, {self._marker(who)}",
            heard_via="friends",
            share_scopes=SCOPES,
        )
        self.newcomer_ids[who] = case.newcomer_id
        return who

    @initialize(target=people, partner=st.booleans())
    def first_enquiry_a(self, partner: bool) -> str:
        return self._intake("a", partner)

    @initialize(target=people, partner=st.booleans())
    def first_enquiry_b(self, partner: bool) -> str:
        return self._intake("b", partner)

    @rule(who=people, partner=st.booleans())
    def another_enquiry(self, who: str, partner: bool) -> None:
        self._intake(who, partner)

    @rule(who=people, confidential=st.booleans())
    def note(self, who: str, confidential: bool) -> None:
        note_add(
            case=self._case(who),
            body=f"Note {self._marker(who)}",
            visibility="confidential" if confidential else "team",
            actor=self.world.owner,
        )

    @rule(who=people)
    def followup(self, who: str) -> None:
        # Refused once the municipality consent is withdrawn: the owner is no longer covered.
        with contextlib.suppress(ValidationError):
            followup_add(
                case=self._case(who),
                title=f"Call {self._marker(who)}",
                assignee=self.world.owner,
                due_date=date(2026, 9, 1),
                actor=self.world.owner,
            )

    @rule(who=people)
    def message_from_newcomer(self, who: str) -> None:
        newcomer_message_send(newcomer=self._newcomer(who), body=f"Hi {self._marker(who)}")

    @rule(who=people)
    def email_to_newcomer(self, who: str) -> None:
        message_send(
            case=self._case(who), body=f"Dear {self._marker(who)}", actor=self.world.coordinator
        )

    @rule(who=people)
    def step_skipped(self, who: str) -> None:
        case = self._case(who)
        plan = OnboardingPlan.objects.filter(case=case).first() or plan_start(
            case=case,
            template=self.template,
            move_date=date(2026, 8, 1),
            from_abroad=True,
            eu_eea=True,
            long_stay=True,
            importing_car=False,
            actor=self.world.owner,
        )
        step = step_add(
            plan=plan,
            title=f"Step {self._marker(who)}",
            due_date=plan.move_date + timedelta(days=14),
            doer=TemplateStep.Doer.TEAM,
            actor=self.world.owner,
        )
        step_skip(step=step, reason=f"Because {self._marker(who)}", actor=self.world.owner)

    @rule(who=people, scope=st.sampled_from(SCOPES))
    def withdraw_consent(self, who: str, scope: str) -> None:
        consent_withdraw(newcomer=self._newcomer(who), scope=scope, actor=self.world.coordinator)

    @rule(who=people)
    def export(self, who: str) -> None:
        data = newcomer_export(newcomer=self._newcomer(who), actor=self.world.coordinator)
        self._assert_exported(who, data, _database_text())

    @rule(who=consumes(people))
    def erase(self, who: str) -> None:
        before = _database_text()
        # The reason is staff's record of the request and is kept on purpose (NOT_ERASED in
        # test_personal_data_completeness.py): it carries no marker.
        exported = newcomer_erase(
            newcomer=self._newcomer(who), actor=self.world.coordinator, reason="Asked by phone"
        )
        self._assert_exported(who, exported, before)
        self.erased.add(who)
        self.held[who] = set()

    @precondition(lambda self: self.erased)
    @rule(data=st.data())
    def erase_again(self, data) -> None:
        """Erasing an erased newcomer again returns their masked data only. (Also the one
        rule left once both are erased: Hypothesis needs one it can run.)"""
        who = data.draw(st.sampled_from(sorted(self.erased)))
        exported = newcomer_erase(
            newcomer=self._newcomer(who), actor=self.world.coordinator, reason="Asked again"
        )
        text = json.dumps(exported, cls=DjangoJSONEncoder, ensure_ascii=False)
        assert not [marker for marker in self.written[who] if marker in text]

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def erased_leave_nothing_and_others_keep_theirs(self) -> None:
        text = _database_text()
        for who in PEOPLE:
            if who in self.erased:
                left = sorted(self._held_now(who, text))
                assert not left, f"left in the database after erasing {who}: {_places(left)}"
            else:
                lost = sorted(self.held[who] - self._held_now(who, text))
                assert not lost, f"{who}'s stored data is gone, {who} was not erased: {lost}"
                self.held[who] |= self._held_now(who, text)


def test_erasure_properties_hold_under_random_actions(world):
    run_state_machine_as_test(
        lambda: ErasureMachine(world),
        settings=hypothesis_settings(
            max_examples=50,
            stateful_step_count=15,
            deadline=None,
            # A failure is shrunk to a short program, one failure only and without the
            # explain phase: together they took minutes.
            report_multiple_bugs=False,
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
