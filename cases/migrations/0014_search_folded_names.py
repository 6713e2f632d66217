"""Folded names stored, so that a broad name search does not fold each candidate row.

The name search (cases.search) matches the newcomer's name upper case without accents.
Until now PostgreSQL served it by a trigram index on the expression `tilflytt_fold(name)`,
whose matches are rechecked row by row: a broad name ("Kowalska", 10,000 newcomers at
100,000 cases) called `unaccent` 10,000 times per search.

- PostgreSQL: `contacts_newcomer.name_folded`, a generated column (STORED) computed by
  PostgreSQL on every write of the name, erasure's mask included, with the trigram index
  moved onto it; the recheck then reads the stored text. The models do not declare the
  column (no code writes it); cases.search reads it. PostgreSQL refuses to change the type
  of `name` while the column depends on it: drop it first in such a migration.
- SQLite: an FTS5 table with the trigram tokenizer (`cases_newcomer_fts`, rowid = the
  newcomer's id) holding the folded name and the e-mail address (whose beginning the name
  search also matches: SQLite read every newcomer for it), kept in step by triggers on
  contacts_newcomer.
  The SQL is in cases.search_fts: skipped where SQLite lacks the trigram tokenizer, and
  installed again after every migrate (a migration that remakes contacts_newcomer on
  SQLite drops the triggers with the old table).
"""

from django.db import migrations

from cases.search_fts import DROP as FTS_DROP
from cases.search_fts import fts_install
from config.migration_sql import postgresql_only

PG_FORWARD = [
    "ALTER TABLE contacts_newcomer ADD COLUMN IF NOT EXISTS name_folded text "
    "GENERATED ALWAYS AS (tilflytt_fold(name)) STORED",
    "CREATE INDEX IF NOT EXISTS contacts_newcomer_name_folded_trgm "
    "ON contacts_newcomer USING gin (name_folded gin_trgm_ops)",
    "DROP INDEX IF EXISTS contacts_newcomer_name_fold_trgm",
]
PG_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS contacts_newcomer_name_fold_trgm "
    "ON contacts_newcomer USING gin (tilflytt_fold(name) gin_trgm_ops)",
    "DROP INDEX IF EXISTS contacts_newcomer_name_folded_trgm",
    "ALTER TABLE contacts_newcomer DROP COLUMN IF EXISTS name_folded",
]


def sqlite_forward(apps, schema_editor) -> None:
    # Skipped where SQLite has no trigram tokenizer (cases.search then folds each name).
    if schema_editor.connection.vendor == "sqlite":
        fts_install(schema_editor.connection.alias)


def sqlite_backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in FTS_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_topic_names_ar"),
        ("contacts", "0017_household_occupation"),
    ]

    operations = [
        postgresql_only(PG_FORWARD, PG_BACKWARD),
        migrations.RunPython(sqlite_forward, sqlite_backward),
    ]
