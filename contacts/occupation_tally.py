"""The uncoded occupation texts counted as they change (contacts.models.OccupationTally).

Why triggers: an occupation changes through the intake, staff forms, the API, imports,
"Code them all" (one UPDATE of many rows), erasure, the admin and deletes that cascade.
Triggers on the two tables see every one of them, inside the writer's own transaction, so
the tally is never ahead of or behind what is committed.

Why rows of +1 and -1 rather than one counter per text: a counter is one row that every
writer of a common text ("sykepleier") would lock until its commit, so an import of 10,000
people would hold up the public intake, and two writers taking two texts in turn could
deadlock. Inserted rows lock nothing. `occupation_tally_compact` folds them into one row
per text; readers add up whatever is there, folded or not, so they are right either way.

"Counted" is `contacts.models.UNCODED_OCCUPATION` written in SQL: a text without a code,
of a newcomer not erased, or of an adult household member. The tests hold the tally equal
to a count of the people themselves, on both databases.

SQLite drops a table's triggers when a migration remakes the table: `occupation_tally_install`
runs after every migrate (post_migrate, ContactsConfig.ready) and counts again from the
people when a trigger was missing or of an earlier definition (each name carries a digest
of its statement). A migration that remakes the tally's own table on SQLite must drop the
triggers first (`occupation_tally_uninstall`): the triggers on the people's tables name
it, and SQLite refuses the rename back while they do.

What the triggers do not see: TRUNCATE of the people's tables, and writes with triggers
disabled (`session_replication_role = replica`, as bench/seed.py does). Count again after
those (`occupation_tally_recount`).
"""

import hashlib
import time
from typing import Any

from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet, Sum

from contacts.models import HouseholdMember, Newcomer, OccupationTally

TABLE = OccupationTally._meta.db_table
NEWCOMER = OccupationTally.Kind.NEWCOMER.value
MEMBER = OccupationTally.Kind.MEMBER.value

# What makes a row counted, per table, with `{row}` for OLD or NEW.
_COUNTED = {
    NEWCOMER: (
        Newcomer._meta.db_table,
        "{row}.occupation_code_id IS NULL AND {row}.occupation <> '' AND {row}.erased_at IS NULL",
        "occupation, occupation_code_id, erased_at",
    ),
    MEMBER: (
        HouseholdMember._meta.db_table,
        "{row}.occupation_code_id IS NULL AND {row}.occupation <> '' "
        f"AND {{row}}.relation <> '{HouseholdMember.Relation.CHILD.value}'",
        "occupation, occupation_code_id, relation",
    ),
}
_PG_FUNCTION = "contacts_occupation_tally_add"
_PG_FUNCTION_SQL = f"""CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_ARGV[1] = 'old' THEN
        INSERT INTO {TABLE} (kind, occupation, people, compacted)
        VALUES (TG_ARGV[0], OLD.occupation, -1, false);
    ELSE
        INSERT INTO {TABLE} (kind, occupation, people, compacted)
        VALUES (TG_ARGV[0], NEW.occupation, 1, false);
    END IF;
    RETURN NULL;
END $$"""  # noqa: S608  # nosec B608 (this module's constants only)
# The delete triggers' check on SQLite (below) looks the text up by it.
_SQLITE_TEXT_INDEX = "contacts_tally_text_sqlite"
# An arbitrary number naming the compaction's lock (pg_advisory_xact_lock).
_LOCK_KEY = 7_301_190


def _trigger_specs() -> dict[str, tuple[str, str, str, str, str]]:
    """base name -> (kind, table, event, condition, side): side is the row whose text is
    counted, "new" (+1) or "old" (-1)."""
    triggers = {}
    for kind, (table, counted, columns) in _COUNTED.items():
        old, new = counted.format(row="OLD"), counted.format(row="NEW")
        same = f"({old}) AND ({new}) AND OLD.occupation = NEW.occupation"
        triggers.update(
            {
                f"{_PREFIX}{kind}_insert": (kind, table, "INSERT", new, "new"),
                # An update that leaves the text counted and unchanged adds nothing:
                # a plain save() names every column.
                f"{_PREFIX}{kind}_update_old": (
                    kind,
                    table,
                    f"UPDATE OF {columns}",
                    f"({old}) AND NOT ({same})",
                    "old",
                ),
                f"{_PREFIX}{kind}_update_new": (
                    kind,
                    table,
                    f"UPDATE OF {columns}",
                    f"({new}) AND NOT ({same})",
                    "new",
                ),
                f"{_PREFIX}{kind}_delete": (kind, table, "DELETE", old, "old"),
            }
        )
    return triggers


_PREFIX = "contacts_tally_"
_SPECS = _trigger_specs()


def _create_trigger(
    vendor: str, kind: str, table: str, event: str, condition: str, side: str
) -> str:
    """The CREATE TRIGGER statement, with NAME where its name goes."""
    if vendor == "postgresql":
        return (
            f"CREATE TRIGGER NAME AFTER {event} ON {table} FOR EACH ROW "
            f"WHEN ({condition}) EXECUTE FUNCTION {_PG_FUNCTION}('{kind}', '{side}')"
        )
    # SQLite empties tables with one DELETE each, in no fixed order (`flush`, and the test
    # runner's flush, which sends no post_migrate): when the tally goes first, the people's
    # delete triggers would write rows of -1 into the empty tally. A counted person's text
    # always has a row there (their +1, or the folded row that holds it), so a delete
    # finding none adds nothing. PostgreSQL's flush truncates, which fires no row trigger.
    if event == "DELETE":
        condition += (
            f" AND EXISTS (SELECT 1 FROM {TABLE} t WHERE t.kind = '{kind}' "  # noqa: S608  # nosec B608
            "AND t.occupation = OLD.occupation)"
        )
    sign = 1 if side == "new" else -1
    return (
        f"CREATE TRIGGER NAME AFTER {event} ON {table} FOR EACH ROW "  # noqa: S608  # nosec B608
        f"WHEN {condition} BEGIN INSERT INTO {TABLE} (kind, occupation, people, compacted) "
        f"VALUES ('{kind}', {side}.occupation, {sign}, 0); END"
    )


def triggers(vendor: str) -> dict[str, tuple[str, str]]:
    """name -> (table, CREATE statement) of this module's triggers. Each name ends with a
    digest of its statement: a trigger of that name is this very definition, and one left
    by an earlier definition has another name (`occupation_tally_install` replaces it)."""
    named = {}
    for base, spec in _SPECS.items():
        statement = _create_trigger(vendor, *spec)
        # PostgreSQL's triggers call the function: a new body is a new definition too.
        defined = statement + (_PG_FUNCTION_SQL if vendor == "postgresql" else "")
        name = f"{base}_{hashlib.sha256(defined.encode()).hexdigest()[:8]}"
        named[name] = (spec[1], statement.replace("CREATE TRIGGER NAME", f"CREATE TRIGGER {name}"))
    return named


def _present(using: str) -> dict[str, str]:
    """name -> table of the tally's triggers in the database, current or not."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
            )
        else:
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        return {name: table for name, table in cursor.fetchall() if name.startswith(_PREFIX)}


def _drop(using: str, names: dict[str, str]) -> None:
    on_table = connections[using].vendor == "postgresql"
    with connections[using].cursor() as cursor:
        for name, table in names.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if on_table else ""))


def occupation_tally_install(using: str = "default") -> bool:
    """Makes the triggers as this module defines them (the missing ones, and the ones left
    by an earlier definition go), and then counts the tally again from the people: what
    changed meanwhile was not counted, or not right. True if anything was to do."""
    connection = connections[using]
    current = triggers(connection.vendor)
    present = _present(using)
    stale = {name: table for name, table in present.items() if name not in current}
    if not stale and present.keys() >= current.keys():
        return False
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION_SQL)
        else:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {_SQLITE_TEXT_INDEX} ON {TABLE} (kind, occupation)"
            )
        _drop(using, stale)
        for name, (_table, statement) in current.items():
            if name not in present:
                cursor.execute(statement)
        occupation_tally_recount(using)
    return True


def occupation_tally_uninstall(using: str = "default") -> None:
    """Drops the triggers (current or not) and what they use. A migration that remakes the
    tally's own table on SQLite must call it first, and `migrate` installs them again."""
    connection = connections[using]
    _drop(using, _present(using))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()")
        else:
            cursor.execute(f"DROP INDEX IF EXISTS {_SQLITE_TEXT_INDEX}")


def occupation_tally_recount(using: str = "default") -> None:
    """The tally counted again from the people, with the triggers' own conditions.

    On PostgreSQL the people's tables are locked against writes (SHARE) for the count, as
    is the compaction's lock: a change committed between the DELETE and the count would
    otherwise be counted twice, by its row and by the count. The table locks are asked for
    without waiting, and asked again until they are free (`_share_locks`): waiting for one
    while holding the other could close a cycle with a writer that takes them in the other
    order (erasure writes the newcomer first, a delete the household first)."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _share_locks(using)
            # Held by a page's compaction at most, which takes no other lock.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608  # nosec B608
        for kind, (table, counted, _columns) in _COUNTED.items():
            # Only this module's constants are formatted in; the kind is a parameter.
            cursor.execute(
                f"INSERT INTO {TABLE} (kind, occupation, people, compacted) "  # noqa: S608  # nosec B608
                f"SELECT %s, occupation, COUNT(*), %s FROM {table} "
                f"WHERE {counted.format(row=table)} GROUP BY occupation",
                [kind, True],
            )


# How long a recount tries for the people's tables before it gives up.
LOCK_TRIES, LOCK_PAUSE_SECONDS = 100, 0.1


def _share_locks(using: str) -> None:
    people = ", ".join(table for table, _counted, _columns in _COUNTED.values())
    for attempt in range(LOCK_TRIES):
        try:
            with transaction.atomic(using=using), connections[using].cursor() as cursor:
                cursor.execute(f"LOCK TABLE {people} IN SHARE MODE NOWAIT")
            return
        except OperationalError as exc:
            # 55P03 lock_not_available: a writer holds one; the savepoint let both go.
            taken = getattr(exc.__cause__, "sqlstate", None) == "55P03"
            if not taken or attempt == LOCK_TRIES - 1:
                raise
        time.sleep(LOCK_PAUSE_SECONDS)


def occupation_tally_compact(*, using: str = "default", wait: bool = False) -> bool:
    """Folds the +1/-1 rows into one row per text, and drops texts nobody has any more.

    On PostgreSQL one compaction runs at a time: without `wait`, when another is running
    this one does nothing (its readers add up the unfolded rows meanwhile) and answers
    False. Erasure waits: it must fold away its own -1, which no other compaction can see
    before it commits, so that an erased person's unique text leaves no row behind."""
    connection = connections[using]
    # This transaction's own changes are seen here; another's, not committed yet, are
    # not, and would not be folded either.
    if not OccupationTally.objects.using(using).filter(compacted=False).exists():
        return True
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if wait:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            else:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
                if not cursor.fetchone()[0]:
                    return False
        upsert = (
            "ON CONFLICT (kind, occupation) WHERE compacted "  # nosec B608
            f"DO UPDATE SET people = {TABLE}.people + excluded.people"
        )
        if connection.vendor == "postgresql":
            # What is deleted is exactly what is added up, in one statement: a row
            # committed meanwhile stays for the next compaction.
            cursor.execute(
                f"WITH gone AS (DELETE FROM {TABLE} WHERE NOT compacted "  # noqa: S608  # nosec B608
                "RETURNING kind, occupation, people) "
                f"INSERT INTO {TABLE} (kind, occupation, people, compacted) "
                "SELECT kind, occupation, SUM(people), true FROM gone "
                f"GROUP BY kind, occupation ORDER BY kind, occupation {upsert}"
            )
        else:
            # SQLite has one writer at a time: nothing is added between the two.
            cursor.execute(
                f"INSERT INTO {TABLE} (kind, occupation, people, compacted) "  # noqa: S608  # nosec B608
                f"SELECT kind, occupation, SUM(people), 1 FROM {TABLE} WHERE NOT compacted "
                f"GROUP BY kind, occupation {upsert}"
            )
            cursor.execute(f"DELETE FROM {TABLE} WHERE NOT compacted")  # noqa: S608  # nosec B608
        cursor.execute(f"DELETE FROM {TABLE} WHERE compacted AND people = 0")  # noqa: S608  # nosec B608
    return True


def occupation_tally_texts(kind: str, *, using: str = "default") -> QuerySet[Any]:
    """(occupation, n) per text with people, folded or not: rows of `values()` as
    `people.values("occupation").annotate(n=Count("pk"))` gives them."""
    return (
        OccupationTally.objects.using(using)
        .filter(kind=kind)
        .values("occupation")
        .annotate(n=Sum("people"))
        .filter(n__gt=0)
        .order_by()
    )


def occupation_tally_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate (ContactsConfig.ready): the triggers exist after every migrate. Before
    the migration that adds the tally has run there is nothing to install."""
    if TABLE in connections[using].introspection.table_names():
        occupation_tally_install(using)


def occupation_tally_fold_after_delete(sender: Any, **kwargs: Any) -> None:
    """post_delete of a newcomer or household member (ContactsConfig.ready): the admin
    deletes people outright, and a text nobody else has must not stay in the tally's rows
    until a coordinator next opens the page."""
    occupation_tally_compact(using=kwargs.get("using") or "default", wait=True)
