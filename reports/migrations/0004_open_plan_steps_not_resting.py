"""reports_planstep_open_plan (0003) without the steps that rest on closed cases
(onboarding/migrations/0013-0015): the dashboard's "plan steps overdue now" leaves them out, and
reads the others from this index alone instead of joining every overdue step to its plan
and case. At a million cases (bench/seed.py) 26,037 of 513,788 overdue open steps are on
cases not closed: the count took 82 ms over all of them, and 111 ms joined to the cases to
leave the closed ones out; 6 ms from this index (docs/benchmarks.md)."""

from django.db import migrations

from config.migration_sql import postgresql_only

FORWARD = [
    "CREATE INDEX reports_planstep_open_plan_next"
    " ON onboarding_planstep (plan_id, due_date) WHERE status = 'open' AND NOT rests",
    "DROP INDEX IF EXISTS reports_planstep_open_plan",
    "ALTER INDEX reports_planstep_open_plan_next RENAME TO reports_planstep_open_plan",
]
BACKWARD = [
    "CREATE INDEX reports_planstep_open_plan_next"
    " ON onboarding_planstep (plan_id, due_date) WHERE status = 'open'",
    "DROP INDEX IF EXISTS reports_planstep_open_plan",
    "ALTER INDEX reports_planstep_open_plan_next RENAME TO reports_planstep_open_plan",
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_dashboard_step_covering_indexes"),
        ("onboarding", "0015_open_step_index_not_resting"),
    ]

    operations = [postgresql_only(FORWARD, BACKWARD)]
