"""reports_planstep_open_due (0002) without the steps that rest on closed cases
(onboarding 0013-0015), as 0004 did for reports_planstep_open_plan.

The walks of open steps by due date read it: "My work"'s own steps and the digests (the
person's and their organisations' queue, soonest first), the reminders' planning (steps
due, newcomers' deadlines) and the case list's "Only with overdue plan steps". All leave
resting steps out, and say so (a query without `NOT rests` cannot use the index). At a
million cases 647,685 of the 762,914 open steps rest, and they are the oldest: "My work"
read past 3,095 of them to find its first 30 (5 ms; docs/benchmarks.md). Built under
another name first and swapped in at the end, as 0004."""

from django.db import migrations

from config.migration_sql import postgresql_only

FORWARD = [
    "CREATE INDEX reports_planstep_open_due_next"
    " ON onboarding_planstep (due_date, plan_id) WHERE status = 'open' AND NOT rests",
    "DROP INDEX IF EXISTS reports_planstep_open_due",
    "ALTER INDEX reports_planstep_open_due_next RENAME TO reports_planstep_open_due",
]
BACKWARD = [
    "CREATE INDEX reports_planstep_open_due_next"
    " ON onboarding_planstep (due_date, plan_id) WHERE status = 'open'",
    "DROP INDEX IF EXISTS reports_planstep_open_due",
    "ALTER INDEX reports_planstep_open_due_next RENAME TO reports_planstep_open_due",
]


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_open_plan_steps_not_resting")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
