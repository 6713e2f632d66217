"""Celery worker memory during a reminder sweep and the delivery of its e-mails.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tilflytt_bench_reminders \
        .venv/bin/python bench/reminders.py --due 10000          # seeds (once) and times
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tilflytt_bench_reminders \
        BENCH_BROKER_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/worker_memory.py

Uses the database bench/reminders.py seeded: removes its reminders and their e-mails, starts
`celery -A config worker` as deployed (prefork, --concurrency 2; e-mails to the console
backend, discarded), queues one reminders_sweep task and waits until every e-mail it queued
has left the outbox. Samples the resident memory of the worker's processes every 0.2 s.
Prints a table, then one JSON line: {"peak_rss_mb", "peak_child_rss_mb", "emails",
"seconds"}. Target: every worker process under 250 MB.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL", "false")
os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/11")
os.environ.pop("EMAIL_HOST", None)  # the console backend: nothing leaves the machine

import django  # noqa: E402

django.setup()

from outbox.models import OutboundEmail  # noqa: E402
from reminders.models import Reminder  # noqa: E402
from reminders.tasks import reminders_sweep  # noqa: E402


def rss_mb(pid: int) -> float:
    """Resident set size of one process, from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:  # the process has just ended
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=900, help="seconds to wait at most")
    args = parser.parse_args()
    Reminder.objects.all().delete()
    OutboundEmail.objects.filter(kind__startswith="reminders.").delete()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-l",
            "warning",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"]},
    )
    peak_main = peak_child = 0.0
    started = time.monotonic()
    try:
        time.sleep(3)  # the worker connects to the broker
        reminders_sweep.delay()
        while time.monotonic() - started < args.timeout:
            peak_main = max(peak_main, rss_mb(worker.pid))
            for pid in children(worker.pid):
                peak_child = max(peak_child, rss_mb(pid))
            swept = Reminder.objects.exclude(status=Reminder.Status.PENDING).exists()
            waiting = OutboundEmail.objects.filter(
                kind__startswith="reminders.",
                status__in=[OutboundEmail.Status.PENDING, OutboundEmail.Status.SENDING],
            ).exists()
            if swept and not waiting:
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started - 3
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    emails = OutboundEmail.objects.filter(
        kind__startswith="reminders.", status=OutboundEmail.Status.SENT
    ).count()
    print(f"{'worker (main process) peak RSS (MB)':40}{peak_main:>10.1f}")
    print(f"{'worker child peak RSS (MB)':40}{peak_child:>10.1f}")
    print(f"{'e-mails sent':40}{emails:>10}")
    print(f"{'sweep and delivery (s)':40}{elapsed:>10.1f}")
    print(
        json.dumps(
            {
                "peak_rss_mb": round(peak_main, 1),
                "peak_child_rss_mb": round(peak_child, 1),
                "emails": emails,
                "seconds": round(elapsed, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
