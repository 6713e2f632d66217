"""Statistics of columns that go together (PostgreSQL's extended statistics), so that the
planner counts open work and a person's open cases right:

- cases_followup (done_at, rests): a resting follow-up is nearly always done, an open one
  nearly never rests. Taken as independent, "open and not resting" came out 13 times too
  few at a million cases (3,764 of 48,746 overdue), and the planner hashed them all where
  a probe per case was cheaper.
- cases_case (owner_id, status): those who own many cases own many open ones. "My work"
  walked a coordinator's 24,698 open cases as if they were 1,784, hashing every overdue
  follow-up first (9 ms, against under 1 with the estimates right).

Most common values (mcv) of the pairs; ANALYZE builds them now rather than at
autovacuum's next visit (about a second per million rows: it reads a sample).
"""

from django.db import migrations

from config.migration_sql import postgresql_only

FORWARD = [
    "CREATE STATISTICS IF NOT EXISTS cases_followup_open_rests (mcv)"
    " ON done_at, rests FROM cases_followup",
    "CREATE STATISTICS IF NOT EXISTS cases_case_owner_status (mcv)"
    " ON owner_id, status FROM cases_case",
    "ANALYZE cases_followup",
    "ANALYZE cases_case",
]
BACKWARD = [
    "DROP STATISTICS IF EXISTS cases_followup_open_rests",
    "DROP STATISTICS IF EXISTS cases_case_owner_status",
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0019_open_followup_indexes_not_resting")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
