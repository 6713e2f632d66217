"""A member's case list and API list find their cases from the branches of their reach
when each branch is small, and by the rule's walk of the newest cases otherwise
(cases.paging.case_list_for_paging); the list screen, newest first, looks among a
window of the newest cases before it walks (cases.paging.case_list_pages). All give the
cases of case_list_visible: the ReachMachine below checks them against the rule written
out in Python, and the handoff state machine (tests/handoff.py) checks the first two
against case_list_visible with the limit changing between steps."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from cases import paging, selectors
from cases.filters import CaseFilter
from cases.models import Case, FollowUp
from config import pagination
from config.pagination import CappedPaginator
from contacts.selectors import staff_access
from tests import factories as f
from tests import pages
from tests.budget import examples

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


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
    f.mark_done(f.make_followup(case=done, assignee=world.reader, due_date=timezone.localdate()))
    owned = f.make_case(organisation=world.nav, owner=world.reader)
    world.reach = {world.case.pk, by_organisation.pk, shared.pk, followed.pk, owned.pk}
    return world


def _keys_statements(client, url):
    """The statements that read the list's keys: those with its cap's LIMIT."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    limit = f"LIMIT {pagination.LIST_COUNT_CAP + 1}"
    statements = [q["sql"] for q in ctx.captured_queries if limit in q["sql"]]
    return response, statements, ctx.captured_queries


def _keys_statement(client, url):
    response, statements, queries = _keys_statements(client, url)
    assert len(statements) == 1, statements
    return response, statements[0], queries


def _visible(user) -> set[int]:
    return set(selectors.case_list_visible(user=user).values_list("pk", flat=True))


def test_small_reach_reads_the_branches(reach, login):
    client = login(reach.reader)
    response, keys, _ = _keys_statement(client, reverse("cases:list"))
    assert "UNION" in keys
    assert " OR " not in keys
    listed = set(pages.case_list_ids(response))
    assert listed == reach.reach == _visible(reach.reader)


def test_large_reach_probes_once_then_looks_among_the_newest_then_walks(reach, login, monkeypatch):
    # The school holds two cases: past a limit of one, its branch is large.
    f.make_case(organisation=reach.skole)
    monkeypatch.setattr(paging, "REACH_SMALL", 1)
    client = login(reach.reader)
    response, (newest, walk), queries = _keys_statements(client, reverse("cases:list"))
    probes = [q["sql"] for q in queries if "LIMIT 1 OFFSET 1" in q["sql"]]
    assert len(probes) == 1, probes  # the four branches asked in one statement
    assert probes[0].count("OFFSET 1") == 4
    # Six cases, fewer than the window's 5,000: the window is empty, and the rule's walk
    # reads the list.
    assert "IS NOT NULL" in newest and f"OFFSET {paging.NEWEST_WINDOW - 1}" in newest
    assert "UNION" not in walk and " OR " in walk and "IS NOT NULL" not in walk
    assert set(pages.case_list_ids(response)) == _visible(reach.reader)


@pytest.fixture
def many(reach, monkeypatch):
    """Limits lowered: a branch is large past 1 case, the window is the 10 newest cases, the
    list's count stops at 4. The 12 newest cases are the school's and kommune's in turn,
    so the school's member finds 5 (the cap and one) in the window."""
    for _ in range(6):
        f.make_case(organisation=reach.skole)
        f.make_case(organisation=reach.kommune)
    monkeypatch.setattr(paging, "REACH_SMALL", 1)
    monkeypatch.setattr(paging, "NEWEST_WINDOW", 10)
    monkeypatch.setattr(pagination, "LIST_COUNT_CAP", 4)
    return reach


def _newest_first(cases) -> list[int]:
    return [c.pk for c in sorted(cases, key=lambda c: (c.created_at, c.pk), reverse=True)]


@pytest.mark.parametrize("query", ["", "?ordering=", "?status=&topic="])
def test_a_window_of_the_newest_holding_more_than_the_cap_gives_the_list(many, login, query):
    client = login(many.reader)
    response, keys, _ = _keys_statement(client, reverse("cases:list") + query)
    assert "IS NOT NULL" in keys and "OFFSET 9" in keys  # the window alone answered
    visible = Case.objects.filter(pk__in=_visible(many.reader))
    assert pages.case_list_ids(response) == _newest_first(visible)[:4]
    assert pages.case_list_count(response).startswith("Mer enn 4")


def test_a_window_with_too_few_gives_way_to_the_walk(many, login):
    client = login(many.reader)
    url = reverse("cases:list") + "?status=waiting"
    Case.objects.filter(pk__in=_visible(many.reader)).update(status=Case.Status.NEW)
    oldest = list(Case.objects.filter(pk__in=_visible(many.reader)).order_by("created_at")[:5])
    Case.objects.filter(pk__in=[c.pk for c in oldest]).update(status=Case.Status.WAITING)
    # Cases the reader does not see are waiting too, and newer: the window among the ten
    # newest waiting cases is not empty, but holds fewer of the reader's than the cap.
    Case.objects.exclude(pk__in=_visible(many.reader)).update(status=Case.Status.WAITING)
    assert Case.objects.filter(status=Case.Status.WAITING).count() >= 10
    response, (newest, walk), _ = _keys_statements(client, url)
    assert "IS NOT NULL" in newest and "IS NOT NULL" not in walk
    assert pages.case_list_ids(response) == _newest_first(oldest)[:4]


def test_a_status_filter_looks_among_the_newest_of_its_status(many, login):
    """Waiting cases are older than the window of the newest cases of all; the window
    among the newest waiting cases holds more than the cap, and alone gives the list."""
    Case.objects.update(status=Case.Status.WAITING)
    waiting = list(Case.objects.filter(pk__in=_visible(many.reader)))
    for _ in range(12):  # newer than every waiting case: the newest ten of all
        f.make_case(organisation=many.skole)
    client = login(many.reader)
    url = reverse("cases:list") + "?status=waiting"
    response, keys, _ = _keys_statement(client, url)
    assert "IS NOT NULL" in keys and "OFFSET 9" in keys  # the window alone answered
    assert pages.case_list_ids(response) == _newest_first(waiting)[:4]
    assert pages.case_list_count(response).startswith("Mer enn 4")


def test_the_overdue_filter_looks_among_the_newest_with_an_open_followup(many, login):
    """The reader's overdue cases are older than the window of the newest cases of all;
    among the newest cases with an open follow-up the window holds more than the cap, and
    alone gives the list."""
    late = TODAY() - timedelta(days=1)
    overdue = list(Case.objects.filter(pk__in=_visible(many.reader)))
    for case in overdue:
        f.make_followup(case=case, assignee=many.owner, due_date=late)
    for _ in range(12):  # newer than every overdue case, with nothing due: the newest ten
        f.make_case(organisation=many.skole)
    client = login(many.reader)
    response, keys, _ = _keys_statement(client, reverse("cases:list") + "?overdue=true")
    assert "IS NOT NULL" in keys and "OFFSET 9" in keys  # the window alone answered
    assert "next_followup_due" in keys
    assert pages.case_list_ids(response) == _newest_first(overdue)[:4]
    assert pages.case_list_count(response).startswith("Mer enn 4")


def _of_organisation(organisation) -> QuerySet[Case]:
    """The organisation filter's cases: the organisation's, or shared with it."""
    of_it = Q(responsible_organisation=organisation) | Q(shared_with=organisation)
    return Case.objects.filter(of_it).distinct()


@pytest.mark.parametrize("who", ["coordinator", "reader"])
def test_an_organisation_filter_probes_its_shares_in_the_window(many, login, who):
    """The organisation filter's shares, which PostgreSQL would hash whole, are probed per
    row in the window: for someone who sees every case and for a member who sees many."""
    newest_shared = f.make_case(organisation=many.kommune, shared_with=(many.skole,))
    client = login(getattr(many, who))
    url = reverse("cases:list") + f"?organisation={many.skole.pk}"
    response, keys, _ = _keys_statement(client, url)
    assert "IS NOT NULL" in keys and "OFFSET 9" in keys and "EXISTS" not in keys
    listed = pages.case_list_ids(response)
    assert listed == _newest_first(_of_organisation(many.skole))[:4]
    assert listed[0] == newest_shared.pk


def test_the_window_keeps_the_other_filters_beside_the_organisation(many, login):
    """The window's cases are those of every filter chosen, not the organisation's alone:
    the school's unowned cases among the newest are left out of it."""
    owned = []
    for n in range(8):  # the eight newest: the school's, six of them the reader's
        case = f.make_case(organisation=many.skole, owner=many.reader if n % 4 else None)
        owned += [case] if n % 4 else []
    client = login(many.coordinator)
    url = reverse("cases:list") + f"?organisation={many.skole.pk}&owner={many.reader.pk}"
    response, keys, _ = _keys_statement(client, url)
    assert "IS NOT NULL" in keys and "OFFSET 9" in keys  # the window alone answered
    assert pages.case_list_ids(response) == _newest_first(owned)[:4]


def test_an_organisation_filter_with_too_few_in_the_window_walks(many, login):
    client = login(many.coordinator)
    url = reverse("cases:list") + f"?organisation={many.nav.pk}"
    response, (newest, walk), _ = _keys_statements(client, url)
    assert "IS NOT NULL" in newest and "IS NOT NULL" not in walk and "EXISTS" in walk
    assert pages.case_list_ids(response) == _newest_first(_of_organisation(many.nav))[:4]


def test_a_coordinator_without_such_a_filter_reads_no_window(many, login):
    client = login(many.coordinator)
    for query in ("", "?status=new", f"?organisation={many.skole.pk}&ordering=created"):
        _, keys, _ = _keys_statement(client, reverse("cases:list") + query)
        assert "IS NOT NULL" not in keys, query


@pytest.mark.parametrize(
    "ordering, field",
    [
        ("created", "created_at"),
        ("reference", "reference"),
        ("name", "newcomer__name"),
        ("response_due", "first_response_due"),
    ],
)
def test_other_orders_walk_without_a_window(many, login, ordering, field):
    client = login(many.reader)
    response, keys, _ = _keys_statement(client, reverse("cases:list") + f"?ordering={ordering}")
    assert "IS NOT NULL" not in keys and " OR " in keys
    visible = Case.objects.filter(pk__in=_visible(many.reader)).order_by(field, "-pk")
    assert pages.case_list_ids(response) == list(visible.values_list("pk", flat=True)[:4])


def test_the_window_probes_each_way_in(reach, login, monkeypatch):
    """The window finds the newest case of each way in (organisation, share, open follow-up,
    owner: one more than a cap of 3), not a done follow-up's, and ends inside a tie."""
    kommune, skole, reader = reach.kommune, reach.skole, reach.reader
    older_seen = f.make_case(organisation=skole)  # outside the window, before the tie
    unseen_at_edge = f.make_case(organisation=kommune)
    f.make_case(organisation=skole)
    f.make_case(organisation=kommune, shared_with=(skole,))
    f.make_followup(case=f.make_case(organisation=kommune), assignee=reader, due_date=TODAY())
    f.make_case(organisation=reach.nav, owner=reader)
    done = f.make_case(organisation=kommune)
    f.mark_done(f.make_followup(case=done, assignee=reader, due_date=TODAY()))
    # The window's sixth newest case, unseen, shares its date with a case seen: the window
    # (from that date on) holds both.
    Case.objects.filter(pk=older_seen.pk).update(created_at=unseen_at_edge.created_at)
    monkeypatch.setattr(paging, "REACH_SMALL", 1)
    monkeypatch.setattr(paging, "NEWEST_WINDOW", 6)
    monkeypatch.setattr(pagination, "LIST_COUNT_CAP", 3)
    client = login(reader)
    response, keys, _ = _keys_statement(client, reverse("cases:list"))
    assert "IS NOT NULL" in keys  # the window alone answered: it found four
    visible = Case.objects.filter(pk__in=_visible(reader))
    assert done.pk not in _visible(reader)
    assert pages.case_list_ids(response) == _newest_first(visible)[:3]


def test_a_member_who_sees_many_pays_the_same_queries_however_many_cases(many, login):
    client = login(many.reader)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    newest, waiting = reverse("cases:list"), reverse("cases:list") + "?status=waiting"
    Case.objects.filter(pk=many.case.pk).update(status=Case.Status.WAITING)
    queries(newest)  # the first request reads what later ones find kept (the session's)
    before = queries(newest), queries(waiting)
    for _ in range(10):
        f.make_case(organisation=many.skole)
        f.make_case(organisation=many.kommune)
    # The window answers the newest; one waiting case is too few, the walk follows it.
    assert (queries(newest), queries(waiting)) == before == (before[0], before[0] + 1)


def test_an_invalid_filter_lists_nothing_without_probing(reach, login):
    client = login(reach.reader)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("cases:list") + "?status=nonsense")
    assert response.status_code == 200
    assert pages.case_list_ids(response) == []
    probe = f"OFFSET {paging.REACH_SMALL}"
    assert not [q for q in ctx.captured_queries if probe in q["sql"]]


@pytest.mark.parametrize("ordering", ["", "created", "reference", "name", "response_due"])
def test_small_reach_filters_and_pages_like_the_walk(reach, login, monkeypatch, ordering):
    """Filters, each order and the pages apply to the branches' cases as to the rule's."""
    more = {f.make_case(organisation=reach.skole).pk for _ in range(26)}
    Case.objects.filter(pk__in=reach.reach | more).update(status=Case.Status.WAITING)
    Case.objects.filter(pk=reach.case.pk).update(status=Case.Status.NEW)
    client = login(reach.reader)
    url = reverse("cases:list") + f"?status=waiting&ordering={ordering}"
    small = [pages.case_list_ids(client.get(f"{url}&page={n}")) for n in (1, 2)]
    monkeypatch.setattr(paging, "REACH_SMALL", 0)
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
        keys = list(paging.case_list_for_paging(user=lone).values_list("pk", flat=True))
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
    assert not paging.case_list_for_paging(user=AnonymousUser()).exists()
    with pytest.raises(ValueError):
        selectors._member_reach(user=AnonymousUser(), organisation_ids=frozenset())


class ReachMachine(RuleBasedStateMachine):
    """Random changes to what the rule reads (organisations, owners, shares, follow-ups
    open and done), to the cases' dates (ties included) and statuses, and to the limits.
    After each, for every persona: the cases case_list_for_paging gives are the rule's,
    written out here in Python from the rows, as is the rule probed per row; and the list's
    pages newest first, with or without a status filter, the organisation filter or the
    overdue filter, are the first of those
    (case_list_pages through the paginator, whose count stops at 1 or 3, in pages of 2,
    with the window of the newest where it finds enough)."""

    def __init__(self, world) -> None:
        super().__init__()
        self.world = world
        self.orgs = [world.kommune, world.skole, world.nav, None]
        self.people = [world.owner, world.reader, world.outsider, world.coordinator, world.lone]
        self._atomic = transaction.atomic()  # each example in a savepoint, rolled back
        self._atomic.__enter__()
        self._limits = paging.REACH_SMALL, paging.NEWEST_WINDOW, pagination.LIST_COUNT_CAP
        self.cap = pagination.LIST_COUNT_CAP
        self.cases: list[int] = []
        self.since = timezone.now()

    def teardown(self) -> None:
        # First: the rollback below may raise.
        paging.REACH_SMALL, paging.NEWEST_WINDOW, pagination.LIST_COUNT_CAP = self._limits
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize(
        limit=st.sampled_from([0, 1, 2, 5000]),
        window=st.sampled_from([4, 5, 6, 5000]),
        cap=st.sampled_from([1, 3]),
        orgs=st.lists(st.integers(0, 3), min_size=4, max_size=8),
    )
    def started(self, limit: int, window: int, cap: int, orgs: list[int]) -> None:
        # Cases and low limits from the start, so that few steps reach the window's edge.
        paging.REACH_SMALL, paging.NEWEST_WINDOW = limit, window
        self.cap = pagination.LIST_COUNT_CAP = cap
        for org in orgs:
            self.case_opened(org, -1)

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

    @rule(data=st.data(), person=st.integers(0, 4), done=st.booleans(), late=st.booleans())
    def followup_given(self, data, person: int, done: bool, late: bool) -> None:
        # Done at once, as often as not: a done follow-up must give no access. Late or due
        # today: only a late one makes its case overdue.
        if self.cases:
            case = Case.objects.get(pk=data.draw(st.sampled_from(self.cases)))
            due = TODAY() - timedelta(days=1) if late else TODAY()
            followup = f.make_followup(case=case, assignee=self.people[person], due_date=due)
            if done:
                f.mark_done(followup)

    @rule(data=st.data())
    def followup_done(self, data) -> None:
        open_ = list(FollowUp.objects.filter(done_at=None).values_list("pk", flat=True))
        if open_:
            pk = data.draw(st.sampled_from(open_))
            f.mark_done(FollowUp.objects.get(pk=pk))

    @rule(data=st.data(), minutes=st.integers(-2, 2))
    def date_changed(self, data, minutes: int) -> None:
        # Few dates, so cases share them: the window's edge falls inside a tie.
        if self.cases:
            pk = data.draw(st.sampled_from(self.cases))
            Case.objects.filter(pk=pk).update(created_at=self.since + timedelta(minutes=minutes))

    @rule(data=st.data(), status=st.sampled_from([Case.Status.NEW, Case.Status.OPEN]))
    def status_changed(self, data, status: str) -> None:
        if self.cases:
            pk = data.draw(st.sampled_from(self.cases))
            Case.objects.filter(pk=pk).update(status=status)

    @rule(limit=st.sampled_from([0, 1, 2, 5000]))
    def limit_changed(self, limit: int) -> None:
        paging.REACH_SMALL = limit

    @rule(window=st.sampled_from([3, 4, 6, 5000]))
    def window_changed(self, window: int) -> None:
        paging.NEWEST_WINDOW = window

    def _rule(self, person) -> list[Case]:
        access = staff_access(person)
        orgs, sees_all = access.organisation_ids, access.sees_all
        return [
            case
            for case in Case.objects.prefetch_related("shared_with", "followups")
            if sees_all
            or case.responsible_organisation_id in orgs
            or case.owner_id == person.pk
            or {org.pk for org in case.shared_with.all()} & orgs
            or any(
                fu.assignee_id == person.pk and fu.done_at is None for fu in case.followups.all()
            )
        ]

    @invariant()
    def paging_gives_the_rules_cases(self) -> None:
        for person in self.people:
            reached = self._rule(person)
            paged = set(paging.case_list_for_paging(user=person).values_list("pk", flat=True))
            assert paged == {case.pk for case in reached}, person.username
            # The rule probed per row, which the window reads, gives the same cases.
            probed = paging._paging_reach(person).probed
            if probed is not None:
                by_probe = set(Case.objects.filter(probed).values_list("pk", flat=True))
                assert by_probe == paged, person.username
            # The window among the filter's status, or among another's: any date on
            # which it starts gives the first part of the list.
            for status, among in WINDOWS:
                rows = [case for case in reached if status in (None, case.status)]
                filtered = Case.objects.order_by("-created_at", "-pk")
                if status:
                    filtered = filtered.filter(status=status)
                listed = paging.case_list_pages(user=person, filtered=filtered, status=among)
                self._pages_are_the_first(listed, rows, (person.username, status))
            # The organisation and overdue filters, as the list's view pages them: the
            # shares probed per row in the window, for everyone who gets one, and overdue
            # cases looked for among the newest with an open follow-up.
            for data, keep in (
                ({"organisation": str(self.world.skole.pk)}, self._of_school),
                ({"overdue": "true"}, self._overdue),
            ):
                for status in (None, Case.Status.OPEN):
                    chosen = CaseFilter({**data, "status": status or ""}, Case.objects.all())
                    listed = chosen.list_pages(user=person)
                    rows = [c for c in reached if keep(c) and status in (None, c.status)]
                    self._pages_are_the_first(listed, rows, (person.username, *data, status))

    def _overdue(self, case: Case) -> bool:
        # An open follow-up past its date, from the prefetched rows (no case here closes).
        return any(fu.done_at is None and fu.due_date < TODAY() for fu in case.followups.all())

    def _of_school(self, case: Case) -> bool:
        # The filter in Python over the prefetched rows, as the machine's rule is: the
        # examples' `_of_organisation` is a query, which this would not check independently.
        school = self.world.skole.pk
        shared = {org.pk for org in case.shared_with.all()}
        return case.responsible_organisation_id == school or school in shared

    def _pages_are_the_first(self, listed, rows: list[Case], label) -> None:
        """The list's pages of 2 are the first of `rows`, newest first, up to the cap, and
        say "more than" exactly when there are more."""
        expected = [case.pk for case in sorted(rows, key=_newest, reverse=True)]
        paginator = CappedPaginator(listed.cases, 2, first_rows=listed.newest)
        shown = [
            case.pk
            for number in paginator.page_range
            for case in paginator.page(number).object_list
        ]
        assert shown == expected[: self.cap], label
        assert paginator.is_capped == (len(expected) > self.cap), label


# (the list's status filter, the status whose newest cases make the window)
WINDOWS = [(None, None), (Case.Status.OPEN, Case.Status.OPEN), (None, Case.Status.NEW)]


def _newest(case: Case) -> tuple:
    return (case.created_at, case.pk)


def test_paging_gives_the_rules_cases_under_random_changes(world):
    world.lone = f.make_user(username="lone")  # staff without an organisation yet
    run_state_machine_as_test(
        lambda: ReachMachine(world),
        settings=hypothesis_settings(
            max_examples=examples(sqlite=50, postgres=20, laptop=30),
            stateful_step_count=15,
            deadline=None,
            database=None,
            report_multiple_bugs=False,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
