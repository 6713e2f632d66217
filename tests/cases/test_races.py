"""Races: N requests at once at each state-changing endpoint of one case, and at the intake
with one e-mail address, on PostgreSQL with one connection per thread (SQLite serialises
writers, so the races do not arise there). Each asserts no 5xx, a consistent final state,
a timeline that chains (each entry's "from" is the previous entry's "to") and, for the
intake, one newcomer.
"""

import itertools
import json
import threading
import time
from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.events import case_event_record
from cases.models import Case, CaseEvent, FollowUp, Note
from cases.services import case_change_status
from contacts.models import Consent, Membership, Newcomer
from onboarding.models import OnboardingPlan
from tests import factories as f
from tests.handoff import next_followup_due_violations

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

N = 20


def _at_once(n: int, work: Callable[[int], object]) -> list[object]:
    """Runs work(i) in n threads released together; each thread has its own connection."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # reported by the assertions, not lost in the thread
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _post_json(user, url: str, body: dict | None = None):
    def work(_i: int):
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        return client.post(url, json.dumps(body or {}), content_type="application/json")

    return work


def _statuses(responses) -> list[int]:
    assert not [r for r in responses if isinstance(r, Exception)], responses
    return [r.status_code for r in responses]


def _chain(case: Case, kind: str, start) -> list:
    """The "to" values of the case's `kind` entries, after checking that they chain."""
    previous, seen = start, []
    for data in CaseEvent.objects.filter(case=case, kind=kind).order_by("created_at", "pk"):
        assert data.data["from"] == previous, (kind, data.data, previous)
        previous = data.data["to"]
        seen.append(previous)
    return seen


@pytest.fixture
def team():
    kommune = f.make_organisation(name="Narvik kommune")
    skole = f.make_organisation(name="Narvik skole", kind="school")
    coordinator = f.make_user(username="coordinator", organisation=kommune, role="coordinator")
    staff = [f.make_user(username=f"staff{i}", organisation=kommune) for i in range(4)]
    newcomer = f.make_newcomer(
        name="Anna Kowalska",
        email="anna@example.org",
        scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL),
    )
    case = f.make_case(newcomer=newcomer, organisation=kommune, owner=None)
    return kommune, skole, coordinator, staff, case


def test_race_intake_same_address_twenty_times_gives_one_newcomer(db):
    body = {
        "name": "Olena Kovalenko",
        "email": "olena@example.org",
        "preferred_language": "en",
        "target_group": "family",
        "children_birth_years": [2020],
        "consent": True,
        "share_scopes": ["municipality"],
    }
    responses = _at_once(N, _post_json(None, "/api/v1/intake/", body))
    codes = _statuses(responses)
    assert all(code < 500 for code in codes), codes
    assert not [r for r in responses if b"contacts_" in r.content]  # no constraint names
    assert codes.count(201) == N  # every enquiry is kept: the same person, N cases
    assert Newcomer.objects.filter(email="olena@example.org").count() == 1
    assert Case.objects.filter(newcomer__email="olena@example.org").count() == N


def test_race_twenty_identical_assignments_write_one_change(team):
    _kommune, _skole, coordinator, staff, case = team
    url = reverse("api:cases-assign", args=[case.pk])
    codes = _statuses(_at_once(N, _post_json(coordinator, url, {"owner": staff[0].pk})))
    assert codes == [200] * N
    case.refresh_from_db()
    assert (case.owner_id, case.status) == (staff[0].pk, Case.Status.OPEN)
    assert _chain(case, "cases.case.owner_changed", None) == [staff[0].pk]
    assert _chain(case, "cases.case.status_changed", "new") == ["open"]


def test_race_assignments_cycling_through_owners_chain(team):
    _kommune, _skole, coordinator, staff, case = team
    url = reverse("api:cases-assign", args=[case.pk])

    def work(i: int):
        return _post_json(coordinator, url, {"owner": staff[i % len(staff)].pk})(i)

    codes = _statuses(_at_once(N, work))
    assert codes == [200] * N
    case.refresh_from_db()
    owners = _chain(case, "cases.case.owner_changed", None)
    assert owners and owners[-1] == case.owner_id
    assert all(a != b for a, b in itertools.pairwise(owners))  # no no-op entries


def test_race_status_changes_chain_and_no_op_writes_nothing(team):
    _kommune, _skole, coordinator, _staff, case = team
    url = reverse("api:cases-status", args=[case.pk])

    def work(i: int):
        return _post_json(coordinator, url, {"status": ("open", "waiting")[i % 2]})(i)

    codes = _statuses(_at_once(N, work))
    assert all(code in (200, 400) for code in codes), codes
    case.refresh_from_db()
    statuses = _chain(case, "cases.case.status_changed", "new")
    assert statuses and statuses[-1] == case.status
    assert all(a != b for a, b in itertools.pairwise(statuses))


def test_race_sharing_twenty_times_shares_once(team):
    _kommune, skole, coordinator, _staff, case = team
    url = reverse("api:cases-share", args=[case.pk])
    codes = _statuses(_at_once(N, _post_json(coordinator, url, {"organisation": skole.pk})))
    assert codes == [200] * N
    assert list(case.shared_with.all()) == [skole]
    assert CaseEvent.objects.filter(case=case, kind="cases.case.shared").count() == 1


def test_race_notes_and_follow_up_completion(team):
    _kommune, _skole, coordinator, staff, case = team
    notes = _statuses(
        _at_once(
            N,
            _post_json(
                coordinator,
                reverse("api:notes-add", args=[case.pk]),
                {"body": "Called", "visibility": "team"},
            ),
        )
    )
    assert notes == [201] * N
    assert Note.objects.filter(case=case).count() == N
    followup = f.make_followup(case=case, assignee=staff[0], due_date=date(2027, 1, 1))
    url = reverse("api:followups-complete", args=[case.pk, followup.pk])
    assert _statuses(_at_once(N, _post_json(coordinator, url))) == [200] * N
    assert CaseEvent.objects.filter(case=case, kind="cases.followup.completed").count() == 1


def test_race_plan_started_twenty_times_gives_one_plan(team):
    _kommune, _skole, coordinator, _staff, case = team

    def work(_i: int):
        with transaction.atomic():
            try:
                f.make_plan(case=Case.objects.get(pk=case.pk), actor=coordinator)
            except ValidationError:
                return "refused"
        return "started"

    results = _at_once(N, work)
    assert sorted(map(str, results)) == ["refused"] * (N - 1) + ["started"]
    assert OnboardingPlan.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="onboarding.plan.started").count() == 1


def test_closing_a_case_while_its_follow_up_is_completed_does_not_deadlock(world):
    """Completing a follow-up locks its row, then writes a timeline entry that points at
    the case, whose key it must share at COMMIT (the foreign keys are deferred); closing
    the case locks the case, then marks its follow-ups as resting. With the case locked
    FOR UPDATE the two waited on each other until PostgreSQL broke the deadlock (a 500 for
    one of them); FOR NO KEY UPDATE (cases.events.case_lock) lets the completion commit.
    The completion is written out here rather than called, to commit only once the close
    waits for its row (the test below calls the services)."""
    followup = f.make_followup(case=world.case, assignee=world.owner, due_date=date(2026, 6, 1))
    handover = _Handover()

    def complete() -> None:
        FollowUp.objects.filter(pk=followup.pk).update(done_at=timezone.now())
        handover()  # the close starts, and waits for the follow-up's row
        case_event_record(case=world.case, kind="cases.followup.completed", actor=None)

    errors = _one_then_other(complete, lambda: _close(world), handover)
    assert errors == []
    followup.refresh_from_db()
    assert followup.done_at is not None and followup.rests
    assert Case.objects.get(pk=world.case.pk).status == Case.Status.CLOSED


def _waits_for_a_lock(pid: list[int]) -> bool:
    """Whether the database process in `pid` comes to wait for a lock within 10 s."""
    with connection.cursor() as cursor:
        for _attempt in range(200):
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", pid)
            row = cursor.fetchone()
            if row and row[0] == "Lock":
                return True
            time.sleep(0.05)
    return False


class _Handover:
    """Where the first of two transactions lets the second start, and goes on only once
    the second waits for a lock (`_one_then_other`)."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.second_pid: list[int] = []

    def __call__(self) -> None:
        self.started.set()
        assert _waits_for_a_lock(self.second_pid), "the second never waited for the first"


def _one_then_other(
    first: Callable[[], object], second: Callable[[], object], handover: _Handover | None = None
) -> list[Exception]:
    """`first` in a transaction, and `second` started at its handover (by default once
    `first` has run, before it commits); returns the errors of both."""
    handover = handover or _Handover()
    errors: list[Exception] = []

    def run_first() -> None:
        try:
            with transaction.atomic():
                first()
                if not handover.started.is_set():
                    handover()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def run_second() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                handover.second_pid.append(cursor.fetchone()[0])
            handover.started.wait(timeout=10)
            second()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    # The second first, to know its database process before the first hands over.
    threads = [threading.Thread(target=run_second), threading.Thread(target=run_first)]
    for thread in threads:
        thread.start()
        while thread is threads[0] and not handover.second_pid and thread.is_alive():
            time.sleep(0.01)
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def _close(world) -> None:
    case_change_status(
        case=Case.objects.get(pk=world.case.pk),
        status=Case.Status.CLOSED,
        closing_reason="answered",
        actor=world.owner,
    )


def test_closing_a_case_while_a_follow_up_is_completed_through_the_services(world, monkeypatch):
    """The services themselves: the close starts while the completion is about to set the
    case's next follow-up date (after it has marked the follow-up done). Completing locks
    the case first, as closing does, so the close waits, then commits; locking the
    follow-up first, then the case, deadlocked against the close, which locks the case,
    then the follow-ups to rest them."""
    followup = f.make_followup(case=world.case, assignee=world.owner, due_date=date(2026, 6, 1))
    handover = _Handover()
    keep = services.followup_due_keep

    def keep_once_the_close_has_started(cases):
        handover()
        return keep(cases)

    monkeypatch.setattr(services, "followup_due_keep", keep_once_the_close_has_started)
    errors = _one_then_other(
        lambda: services.followup_complete(followup=followup, actor=world.owner),
        lambda: _close(world),
        handover,
    )
    assert errors == []
    followup.refresh_from_db()
    case = Case.objects.get(pk=world.case.pk)
    assert followup.done_at is not None and followup.rests
    assert case.status == Case.Status.CLOSED and case.next_followup_due is None


@pytest.mark.parametrize(
    "first, second", [("complete", "complete"), ("add", "complete"), ("complete", "add")]
)
def test_two_changes_to_a_cases_follow_ups_at_once_keep_its_next_date(world, first, second):
    """The case's next follow-up date (cases.followup_due) after two changes at once to its
    follow-ups: each completes one of two, or adds an earlier one. Worked out while the
    other change held the case, the date was of the follow-ups before that one committed:
    the date of a follow-up done, or none beside one open and overdue."""
    early = f.make_followup(case=world.case, assignee=world.owner, due_date=date(2026, 6, 1))
    late = f.make_followup(case=world.case, assignee=world.owner, due_date=date(2026, 7, 1))
    done = iter([early, late])

    def change(kind: str):
        def run() -> object:
            if kind == "complete":
                followup = FollowUp.objects.get(pk=next(done).pk)
                return services.followup_complete(followup=followup, actor=None)
            return services.followup_add(
                case=Case.objects.get(pk=world.case.pk),
                title="Ring",
                assignee=world.owner,
                due_date=date(2026, 5, 1),
                actor=world.owner,
            )

        return run

    assert _one_then_other(change(first), change(second)) == []
    assert next_followup_due_violations() == []


def test_two_consents_withdrawn_at_once_each_read_what_the_other_left(world):
    """The case's owner is in the municipality and the school, which the newcomer's two
    consents cover. Withdrawn one after the other, the second withdrawal releases the
    owner; withdrawn at once, the second read the first's consent as still given, and the
    owner stayed with no consent covering them, unless it waits for the first (it locks
    the newcomer first)."""
    both = f.make_user(username="both", organisation=world.kommune)
    Membership.objects.create(user=both, organisation=world.skole)
    Case.objects.filter(pk=world.case.pk).update(owner=both)

    def withdraw(scope: str):
        return lambda: services.consent_withdraw(newcomer=world.newcomer, scope=scope, actor=None)

    errors = _one_then_other(withdraw(Consent.Scope.MUNICIPALITY), withdraw(Consent.Scope.SCHOOL))
    assert errors == []
    assert Case.objects.get(pk=world.case.pk).owner_id is None
