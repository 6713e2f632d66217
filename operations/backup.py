"""Backup, restore and verification of the database (PostgreSQL) and the stored files.

A backup is one folder:

    database.dump   pg_dump in custom format (pg_restore reads it)
    files/<name>    a copy of every stored file, under its name in the storage
    manifest.json   row counts per table, and each file's size and SHA-256; written last,
                    so a folder without it is an unfinished backup

The row counts and the dump come from one snapshot: the counting transaction exports it
and pg_dump reads the same (`--snapshot`), so they agree although the app keeps writing.
Files are copied after the dump. A file stored after the snapshot is copied too (harmless:
nothing in the dump names it); a file deleted in between (an erasure) is not, which is
what the erasure wanted.
"""

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import psycopg.conninfo
from django.core.files import File
from django.core.files.storage import Storage
from django.db import connection
from psycopg import sql

MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (no personal data)."""


def _params() -> dict[str, str]:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise BackupError(
            "backup and restore need PostgreSQL (DATABASE_URL); with the embedded SQLite, "
            "stop the app and copy var/tilflytt.sqlite3 and var/media instead"
        )
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": str(db["PORT"] or 5432),
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"] or "",
        "dbname": db["NAME"],
    }


def _libpq_env(params: dict[str, str]) -> dict[str, str]:
    """pg_dump and pg_restore get the connection from the environment: no password on a
    command line, where other users of the machine could read it."""
    env = {**os.environ, "PGHOST": params["host"], "PGPORT": params["port"]}
    env.update(PGUSER=params["user"], PGDATABASE=params["dbname"])
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603  # nosec B603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (postgresql-client)") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()[-2000:]}") from exc


def table_counts(cursor: Any) -> dict[str, int]:
    """Rows in each table of the public schema, by table name."""
    cursor.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    names = [row[0] for row in cursor.fetchall()]
    counts = {}
    for name in names:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name)))
        counts[name] = cursor.fetchone()[0]
    return counts


def storage_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every stored file's name, depth first, in a stable order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # local disk before the first file: no MEDIA_ROOT yet
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from storage_names(storage, f"{folder}/{sub}" if folder else sub)


def _digest(handle: Any) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK):
        sha.update(chunk)
        size += len(chunk)
    return sha.hexdigest(), size


def _inside(root: Path, name: str) -> Path:
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()):
        raise BackupError(f"a stored file's name leaves the backup folder: {name!r}")
    return path


def backup_create(*, destination: Path, storage: Storage) -> dict[str, Any]:
    """Writes a backup into `destination` (new or empty) and returns its manifest.

    1. Open a read-only REPEATABLE READ transaction and export its snapshot.
    2. Count each table's rows in it, and let pg_dump dump the same snapshot.
    3. Copy every stored file, with its size and checksum.
    4. Write the manifest last: its presence marks a complete backup.
    """
    params = _params()
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty")
    (destination / FILES).mkdir(parents=True, exist_ok=True)
    conninfo = psycopg.conninfo.make_conninfo(
        **{key: value for key, value in params.items() if value}
    )
    with psycopg.connect(conninfo) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        if row is None:  # the function always returns one row
            raise BackupError("PostgreSQL exported no snapshot")
        snapshot = row[0]
        with conn.cursor() as cursor:
            counts = table_counts(cursor)
        # The snapshot lives as long as this transaction: pg_dump runs inside the block.
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={destination / DUMP}",
            ],
            _libpq_env(params),
        )
    files = {}
    for name in storage_names(storage):
        target = _inside(destination / FILES, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        with target.open("rb") as copied:
            sha256, size = _digest(copied)
        files[name] = {"sha256": sha256, "size": size}
    with (destination / DUMP).open("rb") as dump:
        dump_sha256, _size = _digest(dump)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"tables": counts, "dump_sha256": dump_sha256},
        "files": files,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def manifest_read(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"{source} has no {MANIFEST}: not a complete backup") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def backup_check_archive(*, source: Path) -> list[str]:
    """Problems with the backup folder itself: the dump or a file copy changed or missing."""
    manifest = manifest_read(source)
    problems = []
    try:
        with (source / DUMP).open("rb") as dump:
            if _digest(dump)[0] != manifest["database"]["dump_sha256"]:
                problems.append(f"{DUMP}: checksum differs")
    except FileNotFoundError:
        problems.append(f"{DUMP}: missing")
    for name, expected in manifest["files"].items():
        try:
            with _inside(source / FILES, name).open("rb") as copied:
                if _digest(copied)[0] != expected["sha256"]:
                    problems.append(f"file {name}: checksum differs in the backup")
        except FileNotFoundError:
            problems.append(f"file {name}: missing from the backup")
    return problems


def backup_verify(*, source: Path, storage: Storage) -> list[str]:
    """Compares the live database and storage with a backup's manifest: each table's row
    count, and each file's presence and checksum. Returns the differences (none: equal)."""
    manifest = manifest_read(source)
    _params()
    problems = []
    with connection.cursor() as cursor:
        counts = table_counts(cursor)
    expected_counts = manifest["database"]["tables"]
    for table in sorted(set(expected_counts) | set(counts)):
        want, have = expected_counts.get(table), counts.get(table)
        if want != have:
            problems.append(f"table {table}: {have} rows, the backup has {want}")
    present = set(storage_names(storage))
    for name, expected in sorted(manifest["files"].items()):
        if name not in present:
            problems.append(f"file {name}: missing")
            continue
        with storage.open(name, "rb") as handle:
            if _digest(handle) != (expected["sha256"], expected["size"]):
                problems.append(f"file {name}: checksum differs")
    for name in sorted(present - set(manifest["files"])):
        problems.append(f"file {name}: not in the backup")
    return problems


def backup_restore(*, source: Path, storage: Storage) -> list[str]:
    """Restores a backup into an empty database and an empty storage, then verifies it.

    1. Check the backup's own checksums: a damaged backup is refused before anything is
       written.
    2. Refuse a database with tables or a storage with files: restoring over live data
       would mix two states of the service.
    3. pg_restore in one transaction (all or nothing), then ANALYZE, then upload each
       file under its own name.
    4. Return backup_verify's differences (none: the restore is complete).

    pg_restore brings no planner statistics: until autovacuum's first visit the planner
    would guess every table's size and every condition's share, and the statistics of
    columns that go together (cases 0020, onboarding 0016) would stay empty. ANALYZE reads
    a sample of each table (seconds at a million cases)."""
    manifest = manifest_read(source)
    problems = backup_check_archive(source=source)
    if problems:
        raise BackupError("the backup is damaged: " + "; ".join(problems))
    params = _params()
    if connection.introspection.table_names():
        raise BackupError(f"database {params['dbname']} is not empty: restore needs an empty one")
    if next(storage_names(storage), None) is not None:
        raise BackupError("the file storage is not empty: restore needs an empty one")
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={params['dbname']}",
            str(source / DUMP),
        ],
        _libpq_env(params),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for name in manifest["files"]:
        with _inside(source / FILES, name).open("rb") as copied:
            saved = storage.save(name, File(copied, name=name))
        if saved != name:
            raise BackupError(f"file {name} was stored as {saved}")
    return backup_verify(source=source, storage=storage)


def backups_prune(*, root: Path, keep: int) -> list[Path]:
    """Deletes all but the newest `keep` complete backups under `root` (the folders that
    `manage.py backup --to ROOT` makes); unfinished ones are left for a person to look at."""
    complete = sorted(path for path in root.glob("tilflytt-*") if (path / MANIFEST).is_file())
    old = complete[:-keep] if keep > 0 else []
    for path in old:
        shutil.rmtree(path)
    return old
