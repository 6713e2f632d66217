"""The dashboard's onboarding figures (reports.selectors.onboarding_figures) from indexes
alone, on PostgreSQL. Each count reads one period's range of one index; the table is
not visited.

- reports_planstep_due: the steps due in a period, with what the figures ask of them
  (status, done time; the plan for members' visibility).
- reports_planstep_done: the steps done in a period, with their plan.
- reports_planstep_open_plan: open steps by plan, so "cases with an overdue step"
  (COUNT(DISTINCT plan_id)) sorts the overdue steps already in plan order (513,788 of
  257,535 plans at a million cases); it is also a third of reports_planstep_open_due's
  size there (2,925 pages against 7,983: that one keeps entries of steps long done).
  reports_planstep_open_due stays, for the case list's "overdue plan steps" filter.
- reports_plan_started: plans by start, with their case.

At a million cases (EXPLAIN ANALYZE, this machine loaded; docs/benchmarks.md) the steps of
the two periods took 110-180 ms and 13,144 buffers from the table, the overdue steps
396 ms, the plans started 101 ms (a scan of every plan).
"""

from django.db import migrations

from config.migration_sql import postgresql_only

# Each replaced index is built under another name first: CREATE INDEX lets the table be
# read while it builds (writes wait), whereas DROP INDEX locks out reads too, until the
# migration commits. Dropped and renamed last, that lock lasts moments, not the builds.
FORWARD = [
    "CREATE INDEX reports_planstep_due_next ON onboarding_planstep (due_date)"
    " INCLUDE (status, done_at, plan_id)",
    "CREATE INDEX reports_planstep_done_next ON onboarding_planstep (done_at)"
    " INCLUDE (plan_id) WHERE status = 'done'",
    "CREATE INDEX IF NOT EXISTS reports_planstep_open_plan"
    " ON onboarding_planstep (plan_id, due_date) WHERE status = 'open'",
    "CREATE INDEX IF NOT EXISTS reports_plan_started"
    " ON onboarding_onboardingplan (started_at) INCLUDE (case_id)",
    "DROP INDEX IF EXISTS reports_planstep_due",
    "ALTER INDEX reports_planstep_due_next RENAME TO reports_planstep_due",
    "DROP INDEX IF EXISTS reports_planstep_done",
    "ALTER INDEX reports_planstep_done_next RENAME TO reports_planstep_done",
]
BACKWARD = [
    "DROP INDEX IF EXISTS reports_plan_started",
    "DROP INDEX IF EXISTS reports_planstep_open_plan",
    "CREATE INDEX reports_planstep_done_next ON onboarding_planstep (done_at)"
    " WHERE status = 'done'",
    "CREATE INDEX reports_planstep_due_next ON onboarding_planstep (due_date)",
    "DROP INDEX IF EXISTS reports_planstep_done",
    "ALTER INDEX reports_planstep_done_next RENAME TO reports_planstep_done",
    "DROP INDEX IF EXISTS reports_planstep_due",
    "ALTER INDEX reports_planstep_due_next RENAME TO reports_planstep_due",
]


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_dashboard_step_indexes")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
