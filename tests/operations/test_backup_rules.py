"""The backup rules that need neither PostgreSQL nor a store: pruning old backups, and a
clear refusal on the embedded SQLite database."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from operations.backup import MANIFEST, backups_prune, manifest_read


def _backup(root, name, complete=True):
    folder = root / name
    folder.mkdir()
    if complete:
        (folder / MANIFEST).write_text(json.dumps({"format": 1}))
    return folder


def test_backup_prune_keeps_the_newest_complete_backups(tmp_path):
    for name in (
        "tilflytt-20260101-020000",
        "tilflytt-20260102-020000",
        "tilflytt-20260103-020000",
    ):
        _backup(tmp_path, name)
    unfinished = _backup(tmp_path, "tilflytt-20251231-020000", complete=False)
    deleted = backups_prune(root=tmp_path, keep=2)
    assert [path.name for path in deleted] == ["tilflytt-20260101-020000"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "tilflytt-20251231-020000",
        "tilflytt-20260102-020000",
        "tilflytt-20260103-020000",
    ]
    assert unfinished.exists()  # left for a person to look at
    assert backups_prune(root=tmp_path, keep=0) == []


def test_backup_folder_without_manifest_is_not_a_backup(tmp_path):
    from operations.backup import BackupError

    with pytest.raises(BackupError, match="not a complete backup"):
        manifest_read(tmp_path)


@pytest.mark.django_db
def test_backup_on_sqlite_says_what_to_do_instead(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite pass checks this")  # the PostgreSQL pass runs test_backup.py
    with pytest.raises(CommandError, match=r"copy var/tilflytt\.sqlite3"):
        call_command("backup", "--to", str(tmp_path))
