"""Backup, restore and verify end to end, on the real PostgreSQL and the S3 emulator:
back up the test database and a bucket, restore into a new empty database and a new empty
bucket (in another process, as an operator would), and compare row counts and files."""

import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from onboarding.models import WelcomePack
from onboarding.services import welcome_pack_request
from operations.backup import MANIFEST, backup_check_archive, table_counts
from tests.conversations.builders import attachment, incoming
from tests.s3 import ACCESS_KEY, REGION, SECRET_KEY, bucket_keys

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.s3,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ROOT = Path(__file__).resolve().parents[2]
RESTORE_DB = "tilflytt_i21_restore"


def _admin(statement: str) -> None:
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(statement)


@pytest.fixture
def empty_database():
    _admin(f"DROP DATABASE IF EXISTS {RESTORE_DB}")
    _admin(f"CREATE DATABASE {RESTORE_DB}")
    db = connection.settings_dict
    auth = db["USER"] or "postgres"
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    yield f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{RESTORE_DB}"
    _admin(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)")


def _manage(*args: str, database_url: str, bucket: str, endpoint: str):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "restore-test-only",
        "DATABASE_URL": database_url,
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_backup_restore_into_empty_database_and_bucket_verifies(
    world, s3_storage, tmp_path, empty_database, django_capture_on_commit_callbacks
):
    welcome_pack_request(case=world.case, actor=world.owner)  # autocommit: built at once
    path = default_storage.save("conversations/letter", ContentFile(b"%PDF-1.4 from NAV"))
    attachment(message=incoming(case=world.case), path=path, size=17)
    pack = WelcomePack.objects.get(case=world.case)
    assert pack.file.name

    call_command("backup", "--to", str(tmp_path), stdout=StringIO())
    [folder] = tmp_path.glob("tilflytt-*")
    assert (folder / MANIFEST).is_file() and backup_check_archive(source=folder) == []
    with connection.cursor() as cursor:
        source_counts = table_counts(cursor)
    assert source_counts["contacts_newcomer"] == 1

    target = f"tilflytt-restore-{uuid.uuid4().hex[:8]}"
    s3_storage.client.create_bucket(
        Bucket=target, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    restore = _manage(
        "restore",
        str(folder),
        database_url=empty_database,
        bucket=target,
        endpoint=s3_storage.endpoint,
    )
    assert restore.returncode == 0, restore.stderr
    assert "Restored and verified" in restore.stdout

    # Independently of the command's own check: the same rows and the same files.
    url = empty_database.replace("postgres://", "postgresql://")
    with psycopg.connect(url) as restored, restored.cursor() as cursor:
        assert table_counts(cursor) == source_counts
        cursor.execute("SELECT name FROM contacts_newcomer")
        assert cursor.fetchall() == [(world.newcomer.name,)]
        # Analysed: the planner's statistics, those of columns together included (of
        # the tables with rows: the world has cases, and no follow-up).
        cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'cases_case'")
        assert cursor.fetchone()[0] > 0
        cursor.execute(
            "SELECT s.stxname FROM pg_statistic_ext s"
            " JOIN pg_statistic_ext_data d ON d.stxoid = s.oid WHERE d.stxdmcv IS NOT NULL"
        )
        assert ("cases_case_owner_status",) in cursor.fetchall()
    keys = bucket_keys(s3_storage.client, target)
    assert (
        keys == bucket_keys(s3_storage.client, s3_storage.bucket) == sorted([path, pack.file.name])
    )
    for key in keys:
        restored_file = s3_storage.client.get_object(Bucket=target, Key=key)["Body"].read()
        with default_storage.open(key, "rb") as original:
            assert restored_file == original.read()

    # A second restore over the now full database is refused, and changes nothing.
    again = _manage(
        "restore",
        str(folder),
        database_url=empty_database,
        bucket=target,
        endpoint=s3_storage.endpoint,
    )
    assert again.returncode != 0 and "not empty" in again.stderr

    # Verification notices a file changed in the bucket after the restore.
    s3_storage.client.put_object(Bucket=target, Key=path, Body=b"tampered")
    verify = _manage(
        "backup_verify",
        str(folder),
        database_url=empty_database,
        bucket=target,
        endpoint=s3_storage.endpoint,
    )
    assert verify.returncode != 0
    assert f"file {path}: checksum differs" in verify.stderr


def test_backup_restore_refuses_a_damaged_backup(world, s3_storage, tmp_path, empty_database):
    default_storage.save("conversations/letter", ContentFile(b"%PDF-1.4 from NAV"))
    call_command("backup", "--to", str(tmp_path), stdout=StringIO())
    [folder] = tmp_path.glob("tilflytt-*")
    (folder / "files" / "conversations" / "letter").write_bytes(b"bit rot")
    assert backup_check_archive(source=folder) == [
        "file conversations/letter: checksum differs in the backup"
    ]
    target = f"tilflytt-restore-{uuid.uuid4().hex[:8]}"
    s3_storage.client.create_bucket(
        Bucket=target, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    restore = _manage(
        "restore",
        str(folder),
        database_url=empty_database,
        bucket=target,
        endpoint=s3_storage.endpoint,
    )
    assert restore.returncode != 0 and "damaged" in restore.stderr
    # Nothing was written: the database and the bucket are still empty.
    with psycopg.connect(empty_database.replace("postgres://", "postgresql://")) as restored:
        tables = restored.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    assert tables == 0
    assert bucket_keys(s3_storage.client, target) == []
