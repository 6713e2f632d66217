"""Indexes for the dashboard's onboarding figures (reports.selectors.onboarding_figures), on
PostgreSQL. They live here, with the only queries that need them, not in onboarding.

- reports_planstep_due and reports_planstep_done: the steps due, or done, in the period and
  the previous one. Without them every step was read: a plan has 8-14 steps, so 363,000
  steps at 100,000 cases.
- reports_planstep_open_due: open steps past their due date, with their plan, for the
  "overdue now" figures; the count and the plans come from the index alone.

At 100,000 cases (docs/benchmarks.md, Notes) one scan of every step took 60-70 ms; the two
queries now take 12 and 11 ms. Created by SQL on PostgreSQL only (as cases 0007): the
onboarding models do not declare them, and SQLite's data stay small.
"""

from django.db import migrations

from config.migration_sql import postgresql_only

FORWARD = [
    "CREATE INDEX IF NOT EXISTS reports_planstep_due ON onboarding_planstep (due_date)",
    "CREATE INDEX IF NOT EXISTS reports_planstep_done "
    "ON onboarding_planstep (done_at) WHERE status = 'done'",
    "CREATE INDEX IF NOT EXISTS reports_planstep_open_due "
    "ON onboarding_planstep (due_date, plan_id) WHERE status = 'open'",
]
BACKWARD = [
    "DROP INDEX IF EXISTS reports_planstep_due",
    "DROP INDEX IF EXISTS reports_planstep_done",
    "DROP INDEX IF EXISTS reports_planstep_open_due",
]


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("onboarding", "0002_templates")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
