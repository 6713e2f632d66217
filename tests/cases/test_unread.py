"""Unread cases (cases.unread): a newcomer's message, from their page or by e-mail, marks
the case unread for its owner (else the responsible organisation's members) until they
open it; a badge in the list and "My work", and an "unread" filter, in a fixed number of
queries."""

import pytest
from django.urls import reverse

from cases.models import CaseUnread
from cases.unread import case_mark_unread, unread_count
from conversations.receive import inbound_process
from portal.services import newcomer_message_send
from tests import factories as f
from tests import pages
from tests.conversations.test_receive import make_raw


def _unread_for(case) -> set[str]:
    return set(CaseUnread.objects.filter(case=case).values_list("user__username", flat=True))


def test_unread_message_from_the_newcomers_page_marks_it_for_the_owner(world, login):
    newcomer_message_send(newcomer=world.newcomer, body="Når starter skolen?")
    assert _unread_for(world.case) == {"owner"}
    assert unread_count(user=world.owner) == 1
    assert unread_count(user=world.coordinator) == 0
    # Opening the case reads it, for the owner only.
    login(world.owner).get(reverse("cases:detail", args=[world.case.pk]))
    assert _unread_for(world.case) == set()


def test_unread_without_owner_marks_it_for_the_responsible_organisations_members(world):
    case = f.make_case(organisation=world.kommune, newcomer=world.newcomer)
    case_mark_unread(case=case)
    assert _unread_for(case) == {"owner", "coordinator"}  # both are members of the kommune
    case_mark_unread(case=case)  # a second message: still one mark each
    assert CaseUnread.objects.filter(case=case).count() == 2


def test_unread_without_owner_or_organisation_marks_nobody(world):
    case = f.make_case(newcomer=world.newcomer)
    assert case_mark_unread(case=case) == 0
    assert not CaseUnread.objects.exists()


def test_unread_email_reply_marks_the_case(world, settings):
    settings.CONVERSATIONS_ADDRESS = "team@tilflytt.example"
    inbound_process(raw=make_raw(subject=f"Re: {world.case.reference}"))
    assert _unread_for(world.case) == {"owner"}


def test_unread_badge_and_filter_on_the_list_and_my_work(world, login):
    other = f.make_case(organisation=world.kommune, owner=world.owner)
    case_mark_unread(case=world.case)
    client = login(world.owner)
    listing = client.get(reverse("cases:list"))
    rows = {row.pk: row.unread for row in pages.case_list_rows(listing)}
    assert rows == {world.case.pk: True, other.pk: False}
    assert "badge unread" in listing.content.decode()
    filtered = client.get(reverse("cases:list"), {"unread": "true"})
    assert pages.case_list_ids(filtered) == [world.case.pk]
    mine = client.get(reverse("cases:mine"))
    assert "1 sak har en melding" in mine.content.decode()  # one unread case, in bokmål
    assert "?unread=true" in mine.content.decode()
    # Somebody else's mark is not theirs.
    reader = login(world.reader).get(reverse("cases:list"), {"unread": "true"})
    assert pages.case_list_ids(reader) == []


def _grow_unread(world, n):
    for _ in range(n):
        case = f.make_case(organisation=world.kommune, owner=world.owner)
        case_mark_unread(case=case)


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # session, user, memberships; the keys of the list (count and page at once) and
        # the page's rows (the unread mark a subquery); topics; saved views. The filter
        # form's topics, organisations and municipalities, the people of the owner filter
        # and the bulk form (one read for both) and the bulk form's organisations are kept
        # from the warm-up (config.pickers): five queries more on the first page after a
        # change of the team (tests/cases/test_queries.py). The owner is a member: one
        # statement asks how large each branch of their reach is
        # (cases.paging.case_list_for_paging).
        ("/cases/?unread=true", 8),
        ("/cases/", 8),
        # "My work": its sections as before, and one count of the unread marks; the keys of
        # "Cases I own" in two small queries (cases.selectors.my_cases_open_first).
        ("/cases/mine/", 14),
    ],
)
def test_unread_query_counts_are_flat(world, client, url, queries, django_assert_num_queries):
    client.force_login(world.owner)
    _grow_unread(world, 3)
    client.get(url)  # warm up: the session's "last seen" stamp
    small = _count(client, url)
    _grow_unread(world, 27)
    large = _count(client, url)
    assert small == large
    if queries is not None:
        with django_assert_num_queries(queries):
            client.get(url)


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_unread_badge_on_a_new_enquiry_in_my_works_triage(world, login):
    case = f.make_case(organisation=world.kommune)
    case_mark_unread(case=case)
    response = login(world.coordinator).get(reverse("cases:mine"))
    triage = pages.section(response, "triage-heading")
    item = triage.split(f'href="/cases/{case.pk}/"', 1)[1].split("</li>", 1)[0]
    assert '<span class="badge unread">' in item
    assert "1 sak har en melding" in response.content.decode()
