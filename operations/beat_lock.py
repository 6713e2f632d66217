"""One beat at a time: a PostgreSQL advisory lock held for as long as beat runs.

Kubernetes keeps one beat replica, but during a rollout or a node failure two pods can run
for a while. Each scheduled job is safe to run twice (every job claims its rows in the
database), so a second beat would waste work, not double it; the lock makes it wait
instead. The lock is a session lock: it goes with the connection, so a beat that dies, or
loses its database, frees it for the next one at once.
"""

import psycopg
from django.db import connection

# Any fixed 64-bit number, the same for every beat of one database.
BEAT_LOCK_KEY = 0x7469_6C66_6265_6174  # "tilfbeat"


def lock_connection() -> psycopg.Connection:
    """A connection of its own, outside Django's (which may be closed between requests)."""
    db = connection.settings_dict
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"] or None,
        "dbname": db["NAME"],
    }
    return psycopg.connect(
        **{key: value for key, value in params.items() if value}, autocommit=True
    )


def beat_lock_try(conn: psycopg.Connection) -> bool:
    """Takes the lock on `conn` if no other session holds it."""
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", [BEAT_LOCK_KEY]).fetchone()
    return bool(row and row[0])


def beat_lock_alive(conn: psycopg.Connection) -> bool:
    """Whether `conn` still holds the lock (False once the connection is gone)."""
    try:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = %s",
            [BEAT_LOCK_KEY],
        ).fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0])
