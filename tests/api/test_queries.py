"""API lists run a fixed number of queries, whatever the amount of data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from tests import factories as f


def _grow(world, n):
    today = timezone.localdate()
    for i in range(n):
        case = f.make_case(
            organisation=world.kommune, owner=world.owner, shared_with=(world.skole,)
        )
        f.make_followup(case=case, assignee=world.owner, due_date=today - timedelta(days=i % 3))
        f.make_followup(case=world.case, assignee=world.reader, due_date=today + timedelta(days=i))
        services.note_add(case=world.case, body=f"Note {i}", visibility="team", actor=world.owner)
        services.note_add(
            case=world.case, body=f"Secret {i}", visibility="confidential", actor=world.owner
        )
        services.case_set_priority(
            case=world.case, priority=("high", "low")[i % 2], actor=world.owner
        )
        # Unshared, then shared again: the reader keeps seeing the case (the follow-ups
        # they held go back to the owner meanwhile, cases.assignment).
        services.case_unshare(case=world.case, organisation=world.skole, actor=world.owner)
        services.case_share(case=world.case, organisation=world.skole, actor=world.owner)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["coordinator", "reader"])
@pytest.mark.parametrize(
    "url",
    [
        "cases-list",
        "cases-list?status=new&overdue=true&ordering=name&q=newcomer",
        "cases-timeline",
        "notes-list",
        "followups-list",
        "followups-mine",
        "newcomers-detail",
        "organisations-list",
        "topics-list",
    ],
)
def test_api_queries_do_not_grow_with_the_data(world, api, persona, url):
    name, _sep, query = url.partition("?")
    args = {
        "cases-timeline": [world.case.pk],
        "notes-list": [world.case.pk],
        "followups-list": [world.case.pk],
        "newcomers-detail": [world.newcomer.pk],
    }.get(name, [])
    full = reverse(f"api:{name}", args=args) + (f"?{query}&page_size=100" if query else "")
    client = api.as_(getattr(world, persona))
    _grow(world, 2)
    small = _count(client, full)
    _grow(world, 12)
    large = _count(client, full)
    assert large == small, (url, small, large)
    assert small <= 12
