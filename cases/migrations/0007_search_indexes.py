"""Indexes for the case search on PostgreSQL (cases.filters.CaseFilter.filter_search).

Django's icontains/istartswith become UPPER(column) LIKE UPPER(...); trigram GIN indexes on
those expressions serve both a substring and a prefix, and a B-tree on UPPER(reference)
serves the exact reference. pg_trgm ships with PostgreSQL; creating the extension needs a
role allowed to (the database owner on PostgreSQL 13+, as it is a trusted extension).
SQLite has no such indexes: there the search scans, which is fine at its sizes.
"""

from django.db import migrations

from config.migration_sql import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS contacts_newcomer_name_trgm "
    "ON contacts_newcomer USING gin (UPPER(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS contacts_newcomer_email_trgm "
    "ON contacts_newcomer USING gin (UPPER(email) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_case_reference_upper ON cases_case (UPPER(reference))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS contacts_newcomer_name_trgm",
    "DROP INDEX IF EXISTS contacts_newcomer_email_trgm",
    "DROP INDEX IF EXISTS cases_case_reference_upper",
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_case_first_response_due"), ("contacts", "0001_initial")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
