"""A member's case list and API list find their cases from the branches of their reach
when each branch is small, and by the rule's walk of the newest cases otherwise
(cases.selectors.case_list_for_paging). Both give the cases of case_list_visible; that
they agree under random actions is an invariant of tests/handoff.py, which the handoff
state machine checks with the limit changing between steps."""

import os

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from cases import selectors
from cases.models import Case, FollowUp
from contacts.selectors import staff_access
from tests import factories as f
from tests import pages

pytestmark = pytest.mark.django_db
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def reach(world):
    """`reader` (of the school) sees one case by each way in, among cases they do not see."""
    for _ in range(4):
        f.make_case(organisation=world.kommune, owner=world.owner)
    by_organisation = f.make_case(organisation=world.skole)
    shared = f.make_case(organisation=world.kommune, shared_with=(world.skole,))
    followed = f.make_case(organisation=world.kommune)
    f.make_followup(case=followed, assignee=world.reader, due_date=timezone.localdate())
    done = f.make_case(organisation=world.kommune)  # a follow-up done gives no access
    FollowUp.objects.filter(
        pk=f.make_followup(case=done, assignee=world.reader, due_date=timezone.localdate()).pk
    ).update(done_at=timezone.now())
    owned = f.make_case(organisation=world.nav, owner=world.reader)
    world.reach = {world.case.pk, by_organisation.pk, shared.pk, followed.pk, owned.pk}
    return world


def _keys_statement(client, url):
    """The statement that read the list's keys: the one with its cap's LIMIT."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    limit = f"LIMIT {1000 + 1}"
    statements = [q["sql"] for q in ctx.captured_queries if limit in q["sql"]]
    assert len(statements) == 1, statements
    return response, statements[0], ctx.captured_queries


def test_small_reach_reads_the_branches(reach, login):
    client = login(reach.reader)
    response, keys, _ = _keys_statement(client, reverse("cases:list"))
    assert "UNION" in keys
    assert " OR " not in keys
    listed = set(pages.case_list_ids(response))
    assert (
        listed
        == reach.reach
        == set(selectors.case_list_visible(user=reach.reader).values_list("pk", flat=True))
    )


def test_large_reach_keeps_the_walk_after_one_statement_of_probes(reach, login, monkeypatch):
    # The school holds two cases: past a limit of one, its branch is large.
    f.make_case(organisation=reach.skole)
    monkeypatch.setattr(selectors, "REACH_SMALL", 1)
    client = login(reach.reader)
    response, keys, queries = _keys_statement(client, reverse("cases:list"))
    assert "UNION" not in keys
    assert " OR " in keys
    probes = [q["sql"] for q in queries if "LIMIT 1 OFFSET 1" in q["sql"]]
    assert len(probes) == 1, probes  # the four branches asked in one statement
    assert probes[0].count("OFFSET 1") == 4
    listed = set(pages.case_list_ids(response))
    assert listed == set(
        selectors.case_list_visible(user=reach.reader).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("ordering", ["", "created", "reference", "name", "response_due"])
def test_small_reach_filters_and_pages_like_the_walk(reach, login, monkeypatch, ordering):
    """Filters, each order and the pages apply to the branches' cases as to the rule's."""
    more = {f.make_case(organisation=reach.skole).pk for _ in range(26)}
    Case.objects.filter(pk__in=reach.reach | more).update(status=Case.Status.WAITING)
    Case.objects.filter(pk=reach.case.pk).update(status=Case.Status.NEW)
    client = login(reach.reader)
    url = reverse("cases:list") + f"?status=waiting&ordering={ordering}"
    small = [pages.case_list_ids(client.get(f"{url}&page={n}")) for n in (1, 2)]
    monkeypatch.setattr(selectors, "REACH_SMALL", 0)
    walked = [pages.case_list_ids(client.get(f"{url}&page={n}")) for n in (1, 2)]
    assert small == walked
    assert len(small[0]) == 25
    assert set(small[0] + small[1]) == (reach.reach | more) - {reach.case.pk}


def test_api_list_reads_a_small_reach_from_the_branches(reach, client):
    client.force_login(reach.reader)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/cases/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == reach.reach
    assert any("UNION" in q["sql"] for q in ctx.captured_queries)


def test_a_member_without_any_case_lists_none(world, login):
    nobody_yet = f.make_organisation(name="Newcomer office")
    member = f.make_user(organisation=nobody_yet)
    response = login(member).get(reverse("cases:list"))
    assert response.status_code == 200
    assert pages.case_list_ids(response) == []


def test_someone_without_an_organisation_is_probed_on_their_own_branches(world):
    lone = f.make_user()
    followed = f.make_case(organisation=world.kommune)
    f.make_followup(case=followed, assignee=lone, due_date=timezone.localdate())
    with CaptureQueriesContext(connection) as ctx:
        keys = list(selectors.case_list_for_paging(user=lone).values_list("pk", flat=True))
    assert keys == [followed.pk]
    statements = [q["sql"] for q in ctx.captured_queries]
    (probe,) = [sql for sql in statements if "EXISTS" in sql]
    (listed,) = [sql for sql in statements if "UNION" in sql]
    # No organisation: those two branches read nothing; their follow-ups and own cases do.
    assert probe.count("EXISTS") == 2
    assert "UNION" in listed


def test_nobody_signed_in_reaches_no_case(world):
    from django.contrib.auth.models import AnonymousUser

    f.make_case()  # unowned: `owner_id IS NULL` must not let anyone in
    assert not selectors.case_list_for_paging(user=AnonymousUser()).exists()
    with pytest.raises(ValueError):
        selectors._member_reach(user=AnonymousUser(), organisation_ids=frozenset())


class ReachMachine(RuleBasedStateMachine):
    """Random changes to what the rule reads (organisations, owners, shares, follow-ups
    open and done) and to the limit. After each, for every persona: the cases
    case_list_for_paging gives are the rule's, written out here in Python from the rows."""

    def __init__(self, world) -> None:
        super().__init__()
        self.world = world
        self.orgs = [world.kommune, world.skole, world.nav, None]
        self.people = [world.owner, world.reader, world.outsider, world.coordinator, world.lone]
        self._atomic = transaction.atomic()  # each example in a savepoint, rolled back
        self._atomic.__enter__()
        self._limit = selectors.REACH_SMALL
        self.cases: list[int] = []

    def teardown(self) -> None:
        selectors.REACH_SMALL = self._limit  # first: the rollback below may raise
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @rule(org=st.integers(0, 3), owner=st.integers(-1, 4))
    def case_opened(self, org: int, owner: int) -> None:
        self.cases.append(
            f.make_case(
                organisation=self.orgs[org], owner=self.people[owner] if owner >= 0 else None
            ).pk
        )

    @rule(data=st.data(), org=st.integers(0, 3))
    def organisation_changed(self, data, org: int) -> None:
        if self.cases:
            pk = data.draw(st.sampled_from(self.cases))
            Case.objects.filter(pk=pk).update(responsible_organisation=self.orgs[org])

    @rule(data=st.data(), owner=st.integers(-1, 4))
    def owner_changed(self, data, owner: int) -> None:
        if self.cases:
            pk = data.draw(st.sampled_from(self.cases))
            person = self.people[owner] if owner >= 0 else None
            Case.objects.filter(pk=pk).update(owner=person)

    @rule(data=st.data(), org=st.integers(0, 2), shared=st.booleans())
    def sharing_changed(self, data, org: int, shared: bool) -> None:
        if self.cases:
            case = Case.objects.get(pk=data.draw(st.sampled_from(self.cases)))
            (case.shared_with.add if shared else case.shared_with.remove)(self.orgs[org])

    @rule(data=st.data(), person=st.integers(0, 4))
    def followup_given(self, data, person: int) -> None:
        if self.cases:
            case = Case.objects.get(pk=data.draw(st.sampled_from(self.cases)))
            f.make_followup(case=case, assignee=self.people[person], due_date=timezone.localdate())

    @rule(data=st.data())
    def followup_done(self, data) -> None:
        open_ = list(FollowUp.objects.filter(done_at=None).values_list("pk", flat=True))
        if open_:
            pk = data.draw(st.sampled_from(open_))
            FollowUp.objects.filter(pk=pk).update(done_at=timezone.now())

    @rule(limit=st.sampled_from([0, 1, 2, 5000]))
    def limit_changed(self, limit: int) -> None:
        selectors.REACH_SMALL = limit

    @invariant()
    def paging_gives_the_rules_cases(self) -> None:
        for person in self.people:
            access = staff_access(person)
            orgs, sees_all = access.organisation_ids, access.sees_all
            expected = {
                case.pk
                for case in Case.objects.prefetch_related("shared_with", "followups")
                if sees_all
                or case.responsible_organisation_id in orgs
                or case.owner_id == person.pk
                or {org.pk for org in case.shared_with.all()} & orgs
                or any(
                    fu.assignee_id == person.pk and fu.done_at is None
                    for fu in case.followups.all()
                )
            }
            paged = set(selectors.case_list_for_paging(user=person).values_list("pk", flat=True))
            assert paged == expected, person.username


def test_paging_gives_the_rules_cases_under_random_changes(world):
    world.lone = f.make_user(username="lone")  # staff without an organisation yet
    run_state_machine_as_test(
        lambda: ReachMachine(world),
        settings=hypothesis_settings(
            max_examples=60 if IN_CI else 30,
            stateful_step_count=15,
            deadline=None,
            database=None,
            report_multiple_bugs=False,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
