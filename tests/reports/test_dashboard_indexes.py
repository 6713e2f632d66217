"""The dashboard's figures read indexes alone on PostgreSQL (cases/migrations/0016 and
0017, reports/migrations/0003-0005). Which plan the planner picks on a test's tiny
tables depends on what earlier tests left, so the indexes themselves are checked, as for
the case list's status index (tests/cases/test_count_estimate.py)."""

import pytest
from django.db import connection

COVERING = {
    # The workload: open cases by status, organisation and owner.
    "cases_case_owner_open": "(owner_id, created_at, id)"
    " INCLUDE (status, responsible_organisation_id) WHERE ((status)::text <> 'closed'::text)",
    # Steps due in a period: applicable, on time (done_at), members' plans.
    "reports_planstep_due": "(due_date) INCLUDE (status, done_at, plan_id)",
    "reports_planstep_done": "(done_at) INCLUDE (plan_id) WHERE ((status)::text = 'done'::text)",
    # Overdue steps in plan order: grouped per plan without a sort; none resting on a
    # closed case (reports/migrations/0004).
    "reports_planstep_open_plan": "(plan_id, due_date)"
    " WHERE (((status)::text = 'open'::text) AND (NOT rests))",
    # Overdue follow-ups by date with their case, none resting (cases/migrations/0017).
    "cases_followup_overdue": "(due_date, case_id) WHERE ((done_at IS NULL) AND (NOT rests))",
    "reports_plan_started": "(started_at) INCLUDE (case_id)",
    # Open steps by due date, none resting ("My work", the reminders, the case list's
    # overdue steps filter; reports/migrations/0005).
    "reports_planstep_open_due": "(due_date, plan_id)"
    " WHERE (((status)::text = 'open'::text) AND (NOT rests))",
}


@pytest.mark.django_db
@pytest.mark.postgres
def test_dashboard_indexes_cover_what_the_figures_read():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
            [list(COVERING)],
        )
        found = dict(cursor.fetchall())
    assert {name: found.get(name, "").split(" USING btree ")[-1] for name in COVERING} == COVERING
