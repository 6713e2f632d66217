"""Real-worker fixtures shared by the integration tests: an SMTP server on loopback
(aiosmtpd), the test Redis database as the broker, and `celery worker` processes running
the real settings against the test database (PostgreSQL). Registered in tests/conftest.py.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from kombu import pools as kombu_pools

from config.celery import app

# A Redis database number of the tests' own (CI's PostgreSQL pass sets TEST_REDIS_URL).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
WAIT = 60  # seconds; a wait longer than this says why
VISIBILITY_TIMEOUT = 10
# One process (solo pool), the default queue, nothing a single test worker needs besides.
WORKER_COMMAND = [
    sys.executable,
    *("-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1"),
    *("-Q", "celery", "--without-gossip", "--without-mingle", "--without-heartbeat"),
    *("-l", "INFO"),
]


def wait_for(
    predicate: Callable[[], bool], what: str, logs: Callable[[], str], seconds: float = WAIT
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}\n--- logs ---\n{logs()}")


class Collector:
    """aiosmtpd handler: keeps every accepted message; can stall the next RCPT so that a
    worker is caught mid-send."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.rcpt_count = 0
        self.stall_next = threading.Event()
        self.stalled = threading.Event()
        self.stalled_peer: tuple[str, int] | None = None  # the stalled client's address
        self.stalled_rcpt: str | None = None  # and the recipient it was sending to
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_count += 1
        if self.stall_next.is_set():
            self.stall_next.clear()
            self.stalled_peer = session.peer
            self.stalled_rcpt = address
            self.stalled.set()
            deadline = time.monotonic() + WAIT
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Collector, int]]:
    from aiosmtpd.controller import Controller

    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield collector, port
    finally:
        collector.release.set()
        controller.stop()


@pytest.fixture
def broker(settings) -> Iterator[redis.Redis]:
    """This process publishes to the test Redis database, as the web server would."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()  # only the test database number
    old = (app.conf.broker_url, app.conf.task_always_eager)
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = REDIS_URL
    app.conf.task_always_eager = False
    _reset_pools()
    try:
        yield client
    finally:
        app.conf.broker_url, app.conf.task_always_eager = old
        _reset_pools()
        client.flushdb()
        client.close()


def _reset_pools() -> None:
    """Connections made for another broker URL must not be reused: close kombu's pools (a
    global registry) and drop the app's references to them."""
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


class Workers:
    """`celery -A config worker` processes, each in its own process group."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        n = len(self.processes) + 1
        log = (self.log_dir / f"worker-{n}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [*WORKER_COMMAND, "-n", f"outbox-test-{n}@%h"],
            cwd=django_settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        wait_for(lambda: " ready." in self.log(n), f"worker {n} to be ready", self.logs)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=WAIT)

    def kill_all(self) -> None:
        for process in self.processes:
            self.kill(process)

    def log(self, n: int) -> str:
        path = self.log_dir / f"worker-{n}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(
            f"--- worker {n} ---\n{self.log(n)}" for n in range(1, len(self.processes) + 1)
        )


@pytest.fixture
def workers(smtp, broker, settings, tmp_path) -> Iterator[Workers]:
    _collector, port = smtp
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "worker-integration-test",
        "DEBUG": "false",
        "SECURE_SSL": "false",
        "DATABASE_URL": processes_database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "20",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    for name in ("CACHE_URL", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
        env.pop(name, None)
    pool = Workers(env, tmp_path)
    try:
        yield pool
    finally:
        pool.kill_all()


def processes_database_url() -> str:
    """The *test* database (PostgreSQL), as a URL for processes of their own."""
    assert connection.vendor == "postgresql"
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def drained(client: redis.Redis) -> bool:
    """Nothing waiting and nothing unacknowledged: every message was run and acked."""
    return client.llen("celery") == 0 and client.hlen("unacked") == 0
