"""Indexes for "My work", the overdue flag and the dashboard's overdue count (PostgreSQL).

- cases_case_owner_open: a user's open cases, by creation. "My work" counts them and picks
  the first thirty (cases.selectors.my_cases_open_first) from the index alone, instead of
  reading every case the user ever owned and dropping the closed ones: at 100,000 cases
  a coordinator owns 35,000, of which 2,400 are open (docs/benchmarks.md, Notes).
- cases_followup_overdue: open follow-ups by due date with their case. "Has an overdue
  follow-up" (the case list's badge and filter, the API's `has_overdue`, the order of
  "My work") and the dashboard's overdue figures read the overdue follow-ups' case ids
  from it without touching the table.

Created by SQL on PostgreSQL only, as 0007: the models do not declare them (they would
then be made on SQLite too, where the data stay small and they buy nothing).
"""

from django.db import migrations

from config.migration_sql import postgresql_only

FORWARD = [
    "CREATE INDEX IF NOT EXISTS cases_case_owner_open "
    "ON cases_case (owner_id, created_at, id) WHERE status <> 'closed'",
    "CREATE INDEX IF NOT EXISTS cases_followup_overdue "
    "ON cases_followup (due_date, case_id) WHERE done_at IS NULL",
]
BACKWARD = [
    "DROP INDEX IF EXISTS cases_case_owner_open",
    "DROP INDEX IF EXISTS cases_followup_overdue",
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_search_indexes")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
