"""Celery beat behind the one-beat lock (operations/beat_lock.py):

    python manage.py run_beat [--schedule /tmp/celerybeat-schedule]

On PostgreSQL it waits until no other beat holds the lock, then runs beat in this process;
a watchdog ends the process when the lock's connection is lost, and the orchestrator
starts it again. On SQLite (one host) it runs beat at once.
"""

import os
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from config.celery import app
from operations.beat_lock import beat_lock_alive, beat_lock_try, lock_connection

WAIT_SECONDS = 15


class Command(BaseCommand):
    help = "Run Celery beat, at most one at a time (a PostgreSQL advisory lock)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schedule", default="/tmp/celerybeat-schedule")  # noqa: S108  # nosec B108
        parser.add_argument("--loglevel", default="info")

    def handle(self, *args: Any, schedule: str, loglevel: str, **options: Any) -> None:
        if connection.vendor == "postgresql":
            conn = lock_connection()
            while not beat_lock_try(conn):
                self.stdout.write("Another beat holds the lock; waiting.")
                time.sleep(WAIT_SECONDS)
            self.stdout.write("Beat lock taken.")
            threading.Thread(target=_watch, args=(conn,), daemon=True).start()
        app.Beat(schedule=schedule, loglevel=loglevel).run()


def _watch(conn: Any) -> None:
    """Ends the process once the lock is no longer ours: another beat may have it now."""
    while beat_lock_alive(conn):
        time.sleep(WAIT_SECONDS)
    os._exit(1)
