"""An S3-compatible object store on loopback for the tests marked `s3`: moto's server mode
in its own process, started once per test session on a free port.

`s3_server` gives its endpoint and a client; `s3_storage` points default_storage at a new,
private bucket of its own for one test, exactly as production settings do with S3_BUCKET
set (config/settings.py builds the options; the test reuses them).
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

# moto accepts any credentials; these only have to be the same on both sides.
ACCESS_KEY = "tilflytt-test"
SECRET_KEY = "tilflytt-test-secret"
REGION = "eu-north-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[SimpleNamespace]:
    """moto's S3 server on 127.0.0.1; a missing moto fails here (CI must not skip)."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        deadline = time.monotonic() + 30
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"moto did not start:\n{log.read_text()}")
            time.sleep(0.1)
        endpoint = f"http://127.0.0.1:{port}"
        yield SimpleNamespace(endpoint=endpoint, client=s3_client(endpoint), port=port)
    finally:
        process.terminate()
        process.wait(timeout=10)


def s3_storage_options(endpoint: str, bucket: str) -> dict[str, object]:
    """The options config/settings.py gives django-storages for these S3_* values."""
    env = {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "SECRET_KEY": "s3-options-only",
    }
    code = "from config import settings; print(repr(settings.STORAGES['default']))"
    output = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    import ast

    return ast.literal_eval(output.strip())


@pytest.fixture(scope="session")
def s3_backend(s3_server) -> dict[str, object]:
    """The default storage entry the real settings build for S3 (bucket filled in per test)."""
    return s3_storage_options(s3_server.endpoint, "placeholder")


@pytest.fixture
def s3_storage(s3_server, s3_backend, settings) -> Iterator[SimpleNamespace]:
    """default_storage on a fresh private bucket; the bucket's name and the client."""
    bucket = f"tilflytt-{uuid.uuid4().hex[:12]}"
    s3_server.client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    backend = {**s3_backend, "OPTIONS": {**s3_backend["OPTIONS"], "bucket_name": bucket}}
    settings.STORAGES = {**settings.STORAGES, "default": backend}
    yield SimpleNamespace(bucket=bucket, client=s3_server.client, endpoint=s3_server.endpoint)


def bucket_keys(client, bucket: str) -> list[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))
