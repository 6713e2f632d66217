"""cases_case_owner_open carries each open case's status and responsible organisation
(INCLUDE), so the dashboard's workload (open cases by status, organisation and owner,
reports.selectors.open_case_figures) reads the index alone instead of visiting every open
case in the table: at a million cases 71,282 open cases, 71,820 buffers and 302 ms
(EXPLAIN ANALYZE) against 579 buffers and 62 ms. The key is unchanged, so "My work"
(cases.selectors.my_cases_open_first) walks it as before.

PostgreSQL only, as 0008 which made it: the model does not declare it.
"""

from django.db import migrations

from config.migration_sql import postgresql_only

FORWARD = [
    "DROP INDEX IF EXISTS cases_case_owner_open",
    "CREATE INDEX cases_case_owner_open ON cases_case (owner_id, created_at, id)"
    " INCLUDE (status, responsible_organisation_id) WHERE status <> 'closed'",
]
BACKWARD = [
    "DROP INDEX IF EXISTS cases_case_owner_open",
    "CREATE INDEX cases_case_owner_open ON cases_case (owner_id, created_at, id)"
    " WHERE status <> 'closed'",
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_status_index_covers_organisation")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
