"""A page's rows probe the follow-ups per row on PostgreSQL, whatever the region holds.

The overdue badge of each row (cases.selectors.case_overdue_flag) must be looked up per
row: as an EXISTS, PostgreSQL hashed every overdue follow-up in the region to flag 25
rows (48,746 at a million cases: 9 of the case list's 10 ms of SQL, docs/benchmarks.md).
These tests read the plan PostgreSQL chooses for the rows of the case list, "My work" and
the API list, with many overdue follow-ups on other cases, when an index probe looks
dear (random_page_cost): the wrong estimates that made the hash look cheap at a million
cases, on a small database. A form PostgreSQL can hash is hashed then; a probe per row
stays one."""

import json
import re
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


def _followup_probe_faults(sql):
    """What keeps the overdue flag of `sql`'s plan from being one index probe per row:
    each subplan over overdue follow-ups (a condition on their due date) that is hashed,
    or that sorts them before taking the first. Other subplans may hash: "follow-ups
    assigned to me" of the visibility rule, for one.

    A subplan node is named "SubPlan N" in the plan; where it is hashed, the expressions
    that use it (VERBOSE shows them all) say "hashed SubPlan N"."""
    plan = plan_of(sql, options="VERBOSE", settings={"random_page_cost": "1000"})
    over_followups, sorting = set(), set()
    for node, subplan in plan_nodes(plan):
        over_due_dates = "due_date" in json.dumps(node)
        if subplan and node.get("Relation Name") == "cases_followup" and over_due_dates:
            over_followups.add(subplan)
        if subplan and node.get("Node Type") == "Sort":
            sorting.add(subplan)
    text = json.dumps(plan)
    hashed = {name for name in over_followups if re.search(rf"hashed {name}\b", text)}
    return sorted(
        [f"hashed {name}" for name in hashed]
        + [f"sorted {name}" for name in over_followups & sorting]
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


def _row_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "cases_followup" in q["sql"]]


@pytest.mark.parametrize("url", ["/cases/", "/cases/mine/", "/api/v1/cases/"])
def test_the_rows_overdue_flag_is_probed_per_row(crowded, login, url):
    client = login(crowded.owner)
    queries = [sql for sql in _row_queries(client, url) if '"has_overdue"' in sql]
    assert queries, "the page read no overdue flag"
    for sql in queries:
        assert _followup_probe_faults(sql) == [], sql
