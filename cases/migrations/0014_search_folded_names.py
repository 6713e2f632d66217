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
  A migration that remakes contacts_newcomer on SQLite drops these triggers with the old
  table: run CREATE_TRIGGERS again after it (tests/cases/test_search.py then passes again).
"""

from django.db import migrations

from config.migration_sql import postgresql_only, vendor_only

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
CREATE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS cases_newcomer_fts_insert AFTER INSERT ON contacts_newcomer "
    "BEGIN INSERT INTO cases_newcomer_fts (rowid, name, email) "
    "VALUES (new.id, tilflytt_fold(new.name), new.email); END",
    "CREATE TRIGGER IF NOT EXISTS cases_newcomer_fts_update "
    "AFTER UPDATE OF name, email ON contacts_newcomer "
    "BEGIN UPDATE cases_newcomer_fts SET name = tilflytt_fold(new.name), email = new.email "
    "WHERE rowid = new.id; END",
    "CREATE TRIGGER IF NOT EXISTS cases_newcomer_fts_delete AFTER DELETE ON contacts_newcomer "
    "BEGIN DELETE FROM cases_newcomer_fts WHERE rowid = old.id; END",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_newcomer_fts "
    "USING fts5(name, email, tokenize = 'trigram')",
    "INSERT INTO cases_newcomer_fts (rowid, name, email) "
    "SELECT id, tilflytt_fold(name), email FROM contacts_newcomer",
    *CREATE_TRIGGERS,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS cases_newcomer_fts_delete",
    "DROP TRIGGER IF EXISTS cases_newcomer_fts_update",
    "DROP TRIGGER IF EXISTS cases_newcomer_fts_insert",
    "DROP TABLE IF EXISTS cases_newcomer_fts",
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_topic_names_ar"),
        ("contacts", "0017_household_occupation"),
    ]

    operations = [
        postgresql_only(PG_FORWARD, PG_BACKWARD),
        vendor_only("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
    ]
