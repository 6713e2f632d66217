"""Indexes for a member's visibility rule (cases.selectors), PostgreSQL only, as 0008.

A member sees the cases of their organisation, the cases they own, the cases shared with
their organisation and the cases where an open follow-up is theirs. The last two are
hashed once per query from these tables; at 100,000 cases the bench member's 2,700 open
follow-ups were read from the table (1,300 pages, about 3.5 ms) and the 7,500 shares of
their organisation likewise (200 pages), for the list's rows and again for its count.
With the case id in the index both are index-only scans (docs/benchmarks.md, Notes).
"""

from django.db import migrations

from config.migration_sql import postgresql_only

FORWARD = [
    "CREATE INDEX IF NOT EXISTS cases_followup_open_assignee_case "
    "ON cases_followup (assignee_id, case_id) WHERE done_at IS NULL",
    "CREATE INDEX IF NOT EXISTS cases_case_shared_with_org_case "
    "ON cases_case_shared_with (organisation_id, case_id)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS cases_followup_open_assignee_case",
    "DROP INDEX IF EXISTS cases_case_shared_with_org_case",
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_owner_open_overdue_indexes")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
