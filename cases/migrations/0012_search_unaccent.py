"""Indexes for the case search on PostgreSQL (cases.search): names with or without
diacritics, the end of a reference, and note text.

`unaccent` is not IMMUTABLE (its dictionary could change), so no index can use it
directly; `tilflytt_fold(text)` wraps it with the dictionary named, which makes it safe to
declare IMMUTABLE, and a trigram index on `tilflytt_fold(name)` then serves
`tilflytt_fold(name) LIKE '%SORENSEN%'`. A trigram index on the reference serves its
end as a regular expression (`reference ~ '-0*166$'`), and one on UPPER(body) the notes. Both extensions ship with PostgreSQL
and are trusted (the database owner may create them). SQLite gets `tilflytt_fold` as a
Python function on each connection (cases.search.sqlite_functions_add) and no indexes.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

from config.migration_sql import postgresql_only

FORWARD = [
    "CREATE OR REPLACE FUNCTION tilflytt_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT upper(public.unaccent('public.unaccent'::regdictionary, $1)) $$",
    "CREATE INDEX IF NOT EXISTS contacts_newcomer_name_fold_trgm "
    "ON contacts_newcomer USING gin (tilflytt_fold(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_case_reference_trgm "
    "ON cases_case USING gin (reference gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_note_body_trgm "
    "ON cases_note USING gin (UPPER(body) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS cases_note_body_trgm",
    "DROP INDEX IF EXISTS cases_case_reference_trgm",
    "DROP INDEX IF EXISTS contacts_newcomer_name_fold_trgm",
    "DROP FUNCTION IF EXISTS tilflytt_fold(text)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_unread_saved_views"),
        ("contacts", "0014_newcomer_phone_normalised"),
    ]

    operations = [UnaccentExtension(), postgresql_only(FORWARD, BACKWARD)]
