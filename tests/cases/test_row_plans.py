"""A page's rows read their overdue badge from the case's own row on PostgreSQL, whatever the
region holds.

The overdue badge of each row (cases.selectors.case_overdue_flag) is the case's next
follow-up date (cases.followup_due) against today. Before, each row probed its follow-ups,
and as an EXISTS PostgreSQL hashed every overdue follow-up in the region to flag 25 rows
(48,746 at a million cases: 9 of the case list's 10 ms of SQL, docs/benchmarks.md). These
tests read the plan PostgreSQL chooses for the rows of the case list, "My work" and the
API list, with many overdue follow-ups on other cases, when an index probe looks dear
(random_page_cost): no subplan reads overdue follow-ups at all."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import FollowUp
from tests import factories as f
from tests.plans import plan_nodes, plan_of

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

OTHER_CASES = 40
OVERDUE_EACH = 25


def _overdue_followup_subplans(sql):
    """The subplans of `sql`'s plan that read follow-ups by their due date: overdue ones.
    Other subplans may read follow-ups: "follow-ups assigned to me" of the visibility
    rule, for one, by assignee. A subplan node is named "SubPlan N" in the plan."""
    plan = plan_of(sql, options="VERBOSE", settings={"random_page_cost": "1000"})
    return sorted(
        subplan
        for node, subplan in plan_nodes(plan)
        if subplan
        and node.get("Relation Name") == "cases_followup"
        and "due_date" in json.dumps(node)
    )


@pytest.fixture
def crowded(world):
    """Many overdue follow-ups on cases other than the page's."""
    past = timezone.localdate() - timedelta(days=3)
    followups = []
    for _ in range(OTHER_CASES):
        case = f.make_case(organisation=world.kommune, owner=world.owner)
        followups += [
            FollowUp(
                case=case, title="Ring", assignee=world.owner, created_by=world.owner, due_date=past
            )
            for _ in range(OVERDUE_EACH)
        ]
    FollowUp.objects.bulk_create(followups)
    f.make_followup(case=world.case, assignee=world.owner, due_date=past)
    # No ANALYZE: it would outlive the test's transaction (pg_class.reltuples is written
    # in place), and the case list's estimated counts read it.
    return world


@pytest.mark.parametrize("url", ["/cases/", "/cases/mine/", "/api/v1/cases/"])
def test_the_rows_overdue_flag_is_read_from_the_case(crowded, login, url):
    client = login(crowded.owner)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    queries = [q["sql"] for q in ctx.captured_queries if '"has_overdue"' in q["sql"]]
    assert queries, "the page read no overdue flag"
    for sql in queries:
        assert "next_followup_due" in sql
        assert _overdue_followup_subplans(sql) == [], sql
