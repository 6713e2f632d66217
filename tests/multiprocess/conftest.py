"""The whole stack as separate processes on this machine, for the tests marked `stack`:

- two web servers (gunicorn, one process each, on two free loopback ports);
- two `celery worker` processes and one beat (`manage.py run_beat`, holding its lock);
- one PostgreSQL (the test database), one Redis (the test database number: broker and
  cache), moto's S3 server (a private bucket of the module's own) and an SMTP server on
  loopback (aiosmtpd, in this process) that keeps every message it accepts.

Every process runs the production settings (config.settings, DEBUG off, static files
collected as the image does), told only where the services are. Two values are shortened
so that a killed worker's work comes back within the test: the broker's visibility
timeout and the outbox's stale-claim age (the workers' only; web and beat keep the
defaults, so their start-up checks pass as in production). Every wait is bounded; every
process is killed (its whole process group) when the module ends.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings

# Chromium, axe and the migrated-data fix-up of the browser journeys, for this folder too.
from tests.browser.conftest import (  # noqa: F401 (fixtures)
    _migrated_data,
    _migrated_data_snapshot,
    axe,
    browser_context_args,
    browser_type_launch_args,
    check_page,
)
from tests.integration import (
    REDIS_URL,
    WAIT,
    Collector,
    Workers,
    free_port,
    processes_database_url,
    wait_for,
)
from tests.s3 import ACCESS_KEY, REGION, SECRET_KEY

# Seconds: Redis hands a killed worker's unacknowledged task to the other worker after
# VISIBILITY; the beat's outbox sweep (every minute) takes back a claim older than STALE.
# A send on loopback takes milliseconds, so no healthy claim gets near STALE.
VISIBILITY = 10
STALE = 15


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Stack:
    web: list[str]  # base URLs of web A and web B
    smtp: Collector
    broker: redis.Redis
    bucket: str
    s3: object  # a boto3 S3 client
    workers: Workers
    processes: list[Process] = field(default_factory=list)

    def logs(self) -> str:
        parts = [f"--- {p.name} ---\n{p.text()[-4000:]}" for p in self.processes]
        return "\n".join([*parts, self.workers.logs()])

    def process(self, name: str) -> Process:
        return next(p for p in self.processes if p.name == name)

    def wait_for(self, predicate: Callable[[], bool], what: str, seconds: float = WAIT) -> None:
        wait_for(predicate, what, self.logs, seconds)


def _spawn(name: str, command: list[str], env: dict[str, str], log_dir: Path) -> Process:
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            command,
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's workers die with it
        )
    return Process(name, popen, log)


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # it died on its own just now
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=WAIT)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def stack(django_db_setup, s3_server, tmp_path_factory) -> Iterator[Stack]:
    log_dir = tmp_path_factory.mktemp("stack")
    collector = Collector()
    smtp_port = free_port()
    from aiosmtpd.controller import Controller

    controller = Controller(collector, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()  # only the tests' own database number
    bucket = f"tilflytt-stack-{uuid.uuid4().hex[:8]}"
    s3_server.client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    ports = [free_port(), free_port()]
    web = [f"http://127.0.0.1:{port}" for port in ports]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",  # the logs are read while the processes run
        "SECRET_KEY": "stack-test-only-not-a-secret",
        "DEBUG": "false",
        "SECURE_SSL": "false",  # plain http on loopback; production has TLS in front
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": web[0],
        "DATABASE_URL": processes_database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,  # shared by both web servers: sessions' limits, throttles
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": s3_server.endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "10",
        # The burst comes from one client address (this process).
        "INTAKE_RATE_LIMIT": "1000/h",
        "API_THROTTLE_ANON": "1000",
    }
    for name in ("EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "MEDIA_ROOT", "TWO_FACTOR_REQUIRED"):
        env.pop(name, None)
    workers_env = {
        **env,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "OUTBOX_STALE_SECONDS": str(STALE),
    }
    stack = Stack(
        web=web,
        smtp=collector,
        broker=broker,
        bucket=bucket,
        s3=s3_server.client,
        workers=Workers(workers_env, log_dir),
    )
    python = sys.executable
    started = time.monotonic()
    try:
        # As the image does (Dockerfile): DEBUG off serves the hashed, collected files.
        collect = _spawn(
            "collectstatic",
            [python, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            env,
            log_dir,
        )
        stack.processes.append(collect)
        stack.processes.append(
            _spawn(
                "beat",
                [
                    python,
                    "manage.py",
                    "run_beat",
                    "--schedule",
                    str(log_dir / "celerybeat-schedule"),
                ],
                env,
                log_dir,
            )
        )
        stack.workers.start()
        stack.workers.start()
        stack.wait_for(lambda: collect.popen.poll() is not None, "collectstatic")
        assert collect.popen.returncode == 0, stack.logs()
        for letter, port in zip("ab", ports, strict=True):
            stack.processes.append(
                _spawn(
                    f"web-{letter}",
                    [
                        python,
                        "-m",
                        "gunicorn",
                        "config.wsgi:application",
                        # Production's settings (gthread workers and threads); one
                        # worker per server, the two servers stand in for two pods.
                        "--config",
                        "python:config.gunicorn",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--timeout",
                        "60",
                    ],
                    {**env, "WEB_CONCURRENCY": "1"},
                    log_dir,
                )
            )
        for base in web:
            stack.wait_for(lambda base=base: _answers(f"{base}/livez"), f"{base}/livez")
        beat = stack.process("beat")
        stack.wait_for(lambda: "Beat lock taken." in beat.text(), "the beat lock")
        print(f"stack: up in {time.monotonic() - started:.1f} s")
        yield stack
    finally:
        stack.workers.kill_all()
        for process in stack.processes:
            _kill(process.popen)
        collector.release.set()
        controller.stop()
        broker.flushdb()
        broker.close()
