"""SQLite's FTS5 table for the name search (cases/migrations/0014, cases.search): the folded
names and e-mail addresses, kept in step with contacts_newcomer by triggers.

Two things can leave it missing:
- SQLite older than 3.34, or built without FTS5, has no trigram tokenizer: no table, and
  cases.search folds each name instead (`fts_ready`, checked once per connection alias);
- a later migration that remakes contacts_newcomer on SQLite drops the triggers with the
  old table, silently: `fts_install` after every migrate (post_migrate, CasesConfig.ready)
  creates what is missing and refills the table.
PostgreSQL stores the folded name in a generated column instead (migrations/0014).
"""

import sqlite3
from typing import Any

from django.db import DatabaseError, connections, transaction

TABLE = "cases_newcomer_fts"
CREATE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_newcomer_fts "
    "USING fts5(name, email, tokenize = 'trigram')"
)
FILL = [
    "DELETE FROM cases_newcomer_fts",
    "INSERT INTO cases_newcomer_fts (rowid, name, email) "
    "SELECT id, tilflytt_fold(name), email FROM contacts_newcomer",
]
TRIGGERS = {
    "cases_newcomer_fts_insert": "AFTER INSERT ON contacts_newcomer "
    "BEGIN INSERT INTO cases_newcomer_fts (rowid, name, email) "
    "VALUES (new.id, tilflytt_fold(new.name), new.email); END",
    "cases_newcomer_fts_update": "AFTER UPDATE OF name, email ON contacts_newcomer "
    "BEGIN UPDATE cases_newcomer_fts SET name = tilflytt_fold(new.name), email = new.email "
    "WHERE rowid = new.id; END",
    "cases_newcomer_fts_delete": "AFTER DELETE ON contacts_newcomer "
    "BEGIN DELETE FROM cases_newcomer_fts WHERE rowid = old.id; END",
}
DROP = [
    "DROP TRIGGER IF EXISTS cases_newcomer_fts_insert",
    "DROP TRIGGER IF EXISTS cases_newcomer_fts_update",
    "DROP TRIGGER IF EXISTS cases_newcomer_fts_delete",
    "DROP TABLE IF EXISTS cases_newcomer_fts",
]
OPTIMIZE = "INSERT INTO cases_newcomer_fts (cases_newcomer_fts) VALUES ('optimize')"
TRIGRAM_SQLITE = (3, 34, 0)

_supported: dict[str, bool] = {}
_ready: dict[str, bool] = {}


def fts_supported(using: str = "default") -> bool:
    """Whether this SQLite database can hold the FTS5 trigram table (False on PostgreSQL):
    its version, then a trial table in a savepoint. Checked once per alias."""
    if using not in _supported:
        _supported[using] = _probe(using)
    return _supported[using]


def _probe(using: str) -> bool:
    connection = connections[using]
    if connection.vendor != "sqlite" or sqlite3.sqlite_version_info < TRIGRAM_SQLITE:
        return False
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                "CREATE VIRTUAL TABLE temp.tilflytt_fts_probe USING fts5(x, tokenize = 'trigram')"
            )
            cursor.execute("DROP TABLE temp.tilflytt_fts_probe")
    except DatabaseError:
        return False
    return True


def fts_ready(using: str = "default") -> bool:
    """Whether searches may read the table: supported, and there. A database migrated by a
    SQLite without FTS5 and opened by one with it lacks the table until the next migrate;
    only a positive answer is kept, so that migrate's table is used from then on."""
    if not _ready.get(using):
        _ready[using] = fts_supported(using) and _present(using) >= {TABLE}
    return _ready[using]


def fts_purge(using: str = "default") -> None:
    """Merges the index into one segment, which drops what the triggers replaced or deleted:
    FTS5 only marks an old entry deleted, and an erased name's trigrams stayed readable in
    its segments until a merge (privacy: CasesSearchIndex.erase)."""
    if fts_ready(using):
        with connections[using].cursor() as cursor:
            cursor.execute(OPTIMIZE)


def _present(using: str) -> set[str]:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') "
            "AND name IN (%s, %s, %s, %s)",
            [TABLE, *TRIGGERS],
        )
        return {row[0] for row in cursor.fetchall()}


def fts_install(using: str = "default") -> None:
    """Creates the table and its triggers where missing, and refills the table when any was
    missing (rows written meanwhile were not copied). Nothing when unsupported. Marks the
    table ready, so that a process that migrated asks sqlite_master no more."""
    if not fts_supported(using):
        return
    if not _present(using) >= {TABLE, *TRIGGERS}:
        with connections[using].cursor() as cursor:
            cursor.execute(CREATE_TABLE)
            for statement in FILL:
                cursor.execute(statement)
            for name, body in TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
    _ready[using] = True


def fts_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate (CasesConfig.ready): the table and triggers exist after every migrate."""
    if connections[using].vendor == "sqlite":
        fts_install(using)
